package io.spore.cli;

import org.junit.jupiter.api.Assumptions;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the CLI in this JVM with captured output, or as a child process. */
final class Cli {
    record Result(int code, String out, String err) {
        /** stderr as lines, for the one-line-error checks. */
        List<String> errLines() { return err.lines().toList(); }
    }

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs the CLI with {@code --data-dir dataDir} before {@code args}. */
    static Result run(Path dataDir, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--data-dir";
        all[1] = dataDir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return run(all);
    }

    /** One line on stderr, "container: error: ...", containing {@code expected}; exit code 1. */
    static void assertOneLineError(Result r, String expected) {
        org.junit.jupiter.api.Assertions.assertEquals(1, r.code(), r.err());
        org.junit.jupiter.api.Assertions.assertEquals(1, r.errLines().size(), "one line: " + r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().startsWith("container: error: "), r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    }

    /** The command line of a child JVM running the CLI, optionally behind a prefix (setpriv ...). */
    static List<String> javaCommand(List<String> prefix, String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Result runProcess(List<String> cmd) throws IOException, InterruptedException {
        Path errFile = Files.createTempFile("cli-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            return new Result(code, out, Files.readString(errFile));
        } finally {
            Files.deleteIfExists(errFile);
        }
    }

    static final boolean CI = System.getenv("CI") != null && !System.getenv("CI").isEmpty();

    static void require(boolean ok, String what) {
        if (ok) return;
        if (CI) fail(what);
        Assumptions.assumeTrue(false, what);
    }

    static boolean isRoot() { return "root".equals(System.getProperty("user.name")); }

    static Path rootfs(String name) {
        String c = System.getenv("SPORE_TEST_CACHE");
        Path p = Path.of(c == null || c.isEmpty() ? "/var/cache/spore-tests" : c, "rootfs", name);
        require(Files.exists(p.resolve(".complete")), p + " is missing: run tests/setup/20-rootfs.sh (tests/run does)");
        return p;
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try {
            exec("rm", "-rf", "--one-file-system", dir.toString());
        } catch (Exception e) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** A small tree: a few files, a directory, a symlink. */
    static void smallTree(Path t, int files, int bytesEach) throws IOException {
        Files.createDirectories(t.resolve("sub"));
        java.util.Random r = new java.util.Random(files);
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[bytesEach];
            r.nextBytes(b);
            Files.write(t.resolve(i % 2 == 0 ? "f" + i : "sub/f" + i), b);
        }
        Files.createSymbolicLink(t.resolve("link"), Path.of("sub"));
    }
}
