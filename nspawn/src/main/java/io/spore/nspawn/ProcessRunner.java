package io.spore.nspawn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every external program the module starts goes through here, as an argument list (never a
 * shell string), so unit tests can see exactly what would run without running it.
 */
interface ProcessRunner {
    record Result(int exit, String out, String err) {
        boolean ok() { return exit == 0; }

        String errLine() {
            String s = (err.isBlank() ? out : err).strip();
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }

    /** Runs to completion, capturing output; {@code stdin} may be null. */
    Result run(List<String> argv, String stdin);

    /** Starts a long-lived process in a session of its own, output appended to {@code log}; returns its pid. */
    long spawn(List<String> argv, Path log);

    /** Runs with the caller's terminal (or the given files) and returns the exit code. */
    int interactive(List<String> argv, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err);

    default Result run(List<String> argv) { return run(argv, null); }

    /** Runs and throws a one-line error naming the command when it fails. */
    default Result check(List<String> argv) { return check(argv, null); }

    default Result check(List<String> argv, String stdin) {
        Result r = run(argv, stdin);
        if (!r.ok()) {
            throw new NspawnException(String.join(" ", argv) + " failed (exit " + r.exit() + "): " + r.errLine());
        }
        return r;
    }

    /** The real thing. */
    static ProcessRunner system() { return new SystemRunner(); }

    final class SystemRunner implements ProcessRunner {
        @Override
        public Result run(List<String> argv, String stdin) {
            try {
                ProcessBuilder pb = new ProcessBuilder(argv);
                if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                Process p = pb.start();
                if (stdin != null) {
                    try (var in = p.getOutputStream()) {
                        in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                // Read both streams concurrently so neither pipe fills up and blocks the child.
                var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
                String out = readAll(p.getInputStream());
                int code = p.waitFor();
                return new Result(code, out, err.join());
            } catch (IOException e) {
                throw new NspawnException("cannot run " + argv.getFirst() + ": " + e.getMessage() + ": install it (see tests/setup/00-packages.sh)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NspawnException("interrupted while running " + argv.getFirst(), e);
            }
        }

        private static String readAll(java.io.InputStream in) {
            try (in) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public long spawn(List<String> argv, Path log) {
            // setsid: the machine must outlive this JVM (the CLI exits after boot) and not get the
            // terminal's Ctrl-C. A child of the JVM is never a process group leader, so setsid
            // execs in place and the pid we get is the pid of the program itself.
            var full = new java.util.ArrayList<String>();
            full.add("setsid");
            full.addAll(argv);
            try {
                Process p = new ProcessBuilder(full)
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectErrorStream(true)
                        .start();
                return p.pid();
            } catch (IOException e) {
                throw new NspawnException("cannot start " + argv.getFirst() + ": " + e.getMessage() + ": install systemd-container", e);
            }
        }

        @Override
        public int interactive(List<String> argv, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err) {
            try {
                Process p = new ProcessBuilder(argv)
                        .redirectInput(ProcessBuilder.Redirect.INHERIT)
                        .redirectOutput(out).redirectError(err).start();
                return p.waitFor();
            } catch (IOException e) {
                throw new NspawnException("cannot run " + argv.getFirst() + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NspawnException("interrupted while running " + argv.getFirst(), e);
            }
        }
    }
}
