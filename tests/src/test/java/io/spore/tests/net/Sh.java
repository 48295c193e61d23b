package io.spore.tests.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a system command (ip, tc, mount) and fails with its output when it fails. */
final class Sh {
    private Sh() {}

    static String run(String... cmd) throws IOException {
        return run(List.of(cmd));
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        return out;
    }

    /** Like {@link #run} but clean-up: a failure is remembered in {@code errors}, never thrown. */
    static void quietly(List<String> errors, String... cmd) {
        try {
            run(cmd);
        } catch (IOException e) {
            errors.add(e.getMessage());
        }
    }

    /** The first line {@code r} gives within {@code seconds}, or null (it ended or said nothing in time). */
    static String firstLine(BufferedReader r, int seconds) {
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return r.readLine();
            } catch (IOException e) {
                return null;
            }
        }, Thread::startVirtualThread);
        try {
            return first.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }
}
