package io.spore.cli;

import io.spore.hostos.OsBuild;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code container os build}: assembles vmlinuz + initrd.img (+ spore-os.iso) reproducibly. */
@Command(name = "build", header = "Assemble Spore OS from Debian packages, a jlink JRE and the daemon.",
        description = {"Downloads the Debian bookworm packages it needs with apt (cached), links a JRE from the",
                "running JDK, and writes vmlinuz, initrd.img, spore-os.iso, packages and sizes into --out.",
                "The same inputs give the same bytes."})
final class OsBuildCommand extends BaseCommand {
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the OS (default: <data-dir>/os).")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", description = "Downloaded packages (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:SPORE_OS_CACHE:-/var/cache/spore-os}")
    Path cache;

    @Option(names = "--jars", paramLabel = "DIR", description = "spore-cli.jar and lib/ to ship (default: where this command runs from).")
    Path jars;

    @Option(names = "--java-home", paramLabel = "DIR", description = "The JDK 25 to link the JRE from (default: the running one).")
    Path javaHome;

    @Option(names = "--cmdline", paramLabel = "ARGS", description = "Kernel arguments for the ISO's boot entry, e.g. spore.sshkey=...")
    String cmdline;

    @Option(names = "--no-iso", description = "Skip the bootable ISO.")
    boolean noIso;

    @Override
    public Integer call() {
        Path o = out != null ? out : dataDir().resolve("os");
        Path j = jars != null ? jars : runningJarDir();
        Path jdk = javaHome != null ? javaHome : Path.of(System.getProperty("java.home"));
        OsBuild.Result r = OsBuild.run(new OsBuild.Options(o, cache, j, jdk, cmdline, !noIso), line -> {
            err().println(line);
            err().flush();
        });
        Map<String, Long> s = r.sizes();
        if (json()) {
            out().println("{\"out\":\"" + r.out() + "\",\"sizes\":" + toJson(s) + "}");
        } else {
            out().printf("Spore OS in %s: vmlinuz %.1f MB + initrd.img %.1f MB = %.1f MB%n", r.out(),
                    s.get("vmlinuz") / 1e6, s.get("initrd") / 1e6, s.get("total") / 1e6);
        }
        return ExitCode.OK;
    }

    private static String toJson(Map<String, Long> m) {
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return b.append('}').toString();
    }

    private static Path runningJarDir() {
        try {
            Path p = Path.of(OsBuildCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(p) ? p.getParent() : p.getParent(); // target/classes -> target; jar -> its dir
            if (Files.isRegularFile(dir.resolve("spore-cli.jar"))) return dir;
            throw new UserException("no spore-cli.jar beside " + p + ": build it with 'mvn -pl cli -am package' or pass --jars");
        } catch (URISyntaxException e) {
            throw new UserException("cannot tell where spore-cli.jar is: pass --jars", e);
        }
    }
}
