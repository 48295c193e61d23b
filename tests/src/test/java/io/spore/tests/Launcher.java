package io.spore.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code ./container} from the checkout as a separate process, as a user would. */
public final class Launcher {
    private Launcher() {}

    /** The checkout's root (Surefire passes it as spore.root). */
    public static Path root() {
        String r = System.getProperty("spore.root");
        Path p = r != null ? Path.of(r) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isExecutable(p.resolve("container"))) throw new IllegalStateException("no ./container under " + p);
        return p;
    }

    public record Result(int exitCode, String out, String err) {
        public List<String> errLines() { return err.isEmpty() ? List.of() : List.of(err.split("\n")); }
    }

    public static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root().resolve("container").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root().toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("container-out", ".txt");
        Path err = Files.createTempFile("container-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("./container " + String.join(" ", args) + " did not finish in 10 minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    public static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }
}
