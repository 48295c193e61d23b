package io.spore.hostos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds Spore OS by running {@code os/build.sh} (shipped in this jar, beside {@code os/init}):
 * Debian packages fetched with apt and cached, a jlink JRE, the daemon's jars.
 */
public final class OsBuild {
    static final List<String> FILES = List.of("build.sh", "init", "udhcpc.script", "Repack.java");

    /**
     * @param jars     the directory with spore-cli.jar and lib/ (cli/target)
     * @param cache    where downloaded packages are kept between builds
     * @param cmdline  extra kernel command line for the ISO's boot entry (e.g. spore.sshkey=...)
     */
    public record Options(Path out, Path cache, Path jars, Path javaHome, String cmdline, boolean iso) {}

    /** Sizes in bytes: vmlinuz, initrd, total, and the xz estimate of each part (jre, jars, ...). */
    public record Result(Path out, Map<String, Long> sizes, List<String> packages) {}

    private OsBuild() {}

    public static Result run(Options o, Consumer<String> log) {
        Path scripts = null;
        try {
            scripts = Files.createTempDirectory("spore-os-scripts");
            for (String f : FILES) {
                try (InputStream in = OsBuild.class.getResourceAsStream("os/" + f)) {
                    if (in == null) throw new HostOsException("os/" + f + " is missing from the hostos jar: rebuild with 'mvn -pl cli -am package'");
                    Files.copy(in, scripts.resolve(f));
                }
                Files.setPosixFilePermissions(scripts.resolve(f), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            List<String> cmd = new ArrayList<>(List.of("bash", scripts.resolve("build.sh").toString(),
                    "--out", o.out().toString(), "--cache", o.cache().toString(), "--jars", o.jars().toString(),
                    "--java-home", o.javaHome().toString()));
            if (o.cmdline() != null && !o.cmdline().isBlank()) cmd.addAll(List.of("--cmdline", o.cmdline()));
            if (!o.iso()) cmd.add("--no-iso");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String last = "";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.accept(line);
                    if (!line.isBlank()) last = line.strip();
                }
            }
            if (p.waitFor() != 0) {
                throw new HostOsException(last.startsWith("spore-os build: ") ? last.substring(16) : "the OS build failed: " + last);
            }
            return new Result(o.out(), readSizes(o.out().resolve("sizes")), Files.readAllLines(o.out().resolve("packages")));
        } catch (IOException e) {
            throw new HostOsException("the OS build could not run (" + e.getMessage() + "): check that bash is installed and "
                    + o.out() + " is writable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostOsException("the OS build was interrupted", e);
        } finally {
            deleteTree(scripts);
        }
    }

    static Map<String, Long> readSizes(Path f) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String l : Files.readAllLines(f)) {
            int eq = l.indexOf('=');
            if (eq > 0) m.put(l.substring(0, eq), Long.parseLong(l.substring(eq + 1).strip()));
        }
        return m;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
