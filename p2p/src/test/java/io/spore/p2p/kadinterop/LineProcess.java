package io.spore.p2p.kadinterop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process driven by lines: stdin commands, stdout lines collected for the test to wait
 * on. {@link #close()} kills exactly this process (and its descendants) by handle.
 */
public final class LineProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();
    private int consumed;

    public LineProcess(String name, List<String> command, Path dir) throws IOException {
        this.name = name;
        this.process = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile()).redirectErrorStream(true).start();
        this.stdin = process.outputWriter(StandardCharsets.UTF_8);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-stdout");
        t.setDaemon(true);
        t.start();
    }

    public void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the next line (after the last one returned) that matches; fails with the output so far. */
    public String await(Predicate<String> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (int i = consumed; i < lines.size(); i++) {
                    if (match.test(lines.get(i))) {
                        consumed = i + 1;
                        return lines.get(i);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && consumed >= lines.size())) {
                    throw new AssertionError(name + ": no matching line within " + timeout + (process.isAlive() ? "" : " (process exited)")
                            + "; output:\n" + String.join("\n", lines));
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    public String awaitPrefix(String prefix, Duration timeout) throws InterruptedException {
        return await(l -> l.startsWith(prefix), timeout);
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
