package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.nspawn.MachineInfo;
import io.spore.nspawn.MachineSpec;
import io.spore.nspawn.Machines;
import io.spore.nspawn.NetworkMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "boot", mixinStandardHelpOptions = true, header = "Boot a container and wait until it takes SSH.",
        description = {
                "Has the daemon mount the image lazily (blocks are fetched from peers as they are read),",
                "puts a writable layer over it (overlayfs), gives the machine an address on the host",
                "bridge, writes your SSH keys into root's authorized_keys, boots its init with",
                "systemd-nspawn, and returns once its sshd accepts connections.",
                "",
                "--lower DIR boots a local root directory instead of a key (no daemon needed)."})
final class BootCommand extends BaseCommand {
    @Parameters(arity = "0..1", paramLabel = "KEY", description = "Image key (bafy...) as 'container share' printed it, or a name (k51...) resolved to the image it points at now.")
    String key;

    @Option(names = "--lower", paramLabel = "DIR", description = "Boot this local root directory (read-only; writes go to the machine's own layer).")
    Path lower;

    @Option(names = "--name", paramLabel = "NAME", description = "Machine name (default: from the directory name).")
    String name;

    @Option(names = "--no-wait", description = "Return once started, without waiting for SSH.")
    boolean noWait;

    @Option(names = "--no-prefetch", description = "Fetch only what the machine reads: no background download of the rest of the image.")
    boolean noPrefetch;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, such as 512M or 2G (needs cgroup v2).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU limit, such as 1 or 0.5 (needs cgroup v2).")
    double cpus;

    @Option(names = "--bind", paramLabel = "SRC[:DST]", description = "Bind a host directory into the machine (repeatable).")
    List<String> binds = new ArrayList<>();

    @Option(names = "--network", paramLabel = "MODE", defaultValue = "bridge",
            description = "bridge (own address on the host bridge, NAT out) or host (share the host's network). Default: ${DEFAULT-VALUE}.")
    NetworkMode network;

    @Option(names = "--ssh-key", paramLabel = "KEY|FILE",
            description = "Public key (or a file of them) for root (repeatable; default: ssh-keys in the config file, your ~/.ssh/*.pub and ~/.ssh/authorized_keys).")
    List<String> sshKeys = new ArrayList<>();

    @Option(names = "--bridge", paramLabel = "NAME", description = "Host bridge (default: env SPORE_BRIDGE or " + Machines.DEFAULT_BRIDGE + ").")
    String bridge;

    @Option(names = "--pool", paramLabel = "CIDR", description = "Address pool (default: env SPORE_POOL or " + Machines.DEFAULT_POOL + ").")
    String pool;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the machine's SSH (default: ${DEFAULT-VALUE}; more under emulation, such as a TCG VM).")
    long timeout;

    @Option(names = "--vm", description = "Boot in the Spore OS VM ('container vm up') over SSH, progress shown here; 'container ssh NAME' then reaches it through the VM.")
    boolean vm;

    @Override
    public Integer call() throws java.io.IOException, InterruptedException {
        if (vm) return VmMachines.run(this, VmMachines.argsAfter(spec, "boot", "--vm"));
        if (key != null && lower != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give an image KEY or --lower DIR, not both");
        }
        if (key == null && lower == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give an image: its KEY (from 'container share') or --lower DIR");
        }
        long mem = memory == null ? 0 : MachineSpec.parseSize(memory);
        List<String> sshKeys = keys();
        Machines machines = MachinesAccess.open(this, bridge, pool).timeouts(java.time.Duration.ofSeconds(timeout), java.time.Duration.ofSeconds(30));
        long t0 = System.nanoTime();
        DaemonImages images = key == null ? null : new DaemonImages(socket());
        Path dir;
        String label;
        if (images != null) {
            progress("container: mounting " + key + " (lazily, through the daemon)");
            DaemonImages.Mounted mounted = images.mount(key, !noPrefetch);
            dir = mounted.dir();
            label = mounted.key();
        } else {
            dir = lower.toAbsolutePath().normalize();
            label = dir.toString();
        }
        long mountMillis = (System.nanoTime() - t0) / 1_000_000;
        String n = name != null ? name : defaultName(images != null ? label.substring(label.length() - 8)
                : dir.getFileName() == null ? "m" : dir.getFileName().toString());
        MachineSpec ms = new MachineSpec(label, mem, cpus, binds, network, sshKeys);
        MachineInfo m;
        try {
            m = machines.create(n, dir, ms, false);
        } catch (RuntimeException e) {
            if (images != null) releaseQuietly(images, dir, machines);
            throw e;
        }
        if (!noWait) {
            try {
                m = awaitReady(machines, n, images, dir);
            } catch (RuntimeException e) {
                try {
                    machines.rm(n);
                } catch (RuntimeException ignored) {
                    // the boot error below is the one to show
                }
                if (images != null) releaseQuietly(images, dir, machines);
                throw e;
            }
        }
        long bootMillis = (System.nanoTime() - t0) / 1_000_000;
        JsonNode fig = images == null ? null : images.figures().get(dir);
        if (json()) {
            var o = MachinesAccess.json(m);
            o.put("bootMillis", bootMillis);
            o.put("mountMillis", mountMillis);
            if (fig != null) {
                o.put("bytesFetched", fig.path("bytesFetched").asLong());
                o.put("bytesLocal", fig.path("bytesLocal").asLong());
                o.put("imageBytes", fig.path("imageBytes").asLong());
            }
            out().println(MachinesAccess.toJson(o));
        } else {
            out().printf("%s %s at %s (%s, %.1f s)%n", m.name(), noWait ? "started" : "is up", m.address(),
                    noWait ? "not waiting for SSH" : "SSH ready", bootMillis / 1000.0);
            if (fig != null) out().println("   " + fetched(fig));
            out().printf("connect: container ssh %s%s%n", m.name(),
                    m.address().equals("host") ? "" : "   (or ssh root@" + m.address() + ")");
        }
        return ExitCode.OK;
    }

    /** Waits for SSH; meanwhile shows how much of the image has been fetched. */
    private MachineInfo awaitReady(Machines machines, String n, DaemonImages images, Path dir) {
        if (images == null) return machines.awaitReady(n);
        boolean tty = System.console() != null;
        Thread shower = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    // ask only as often as a line is printed: each answer walks the image's chunks
                    Thread.sleep(tty ? 300 : 5000);
                    JsonNode fig = images.figures().get(dir);
                    if (fig == null) continue;
                    err().print(tty ? "\rcontainer: booting " + n + ": " + fetched(fig) + "\033[K"
                            : "container: booting " + n + ": " + fetched(fig) + "\n");
                    err().flush();
                }
            } catch (InterruptedException | RuntimeException done) {
                // the boot finished (or the daemon went away: the boot reports that)
            }
        });
        try {
            return machines.awaitReady(n);
        } finally {
            shower.interrupt();
            try {
                shower.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (tty) {
                err().print("\r\033[K");
                err().flush();
            }
        }
    }

    static String fetched(JsonNode fig) {
        long local = fig.path("bytesLocal").asLong(), total = Math.max(1, fig.path("imageBytes").asLong());
        return String.format("%s of the image's %s here (%.1f%%), %s read on demand", Progress.size(local), Progress.size(total),
                100.0 * local / total, Progress.size(fig.path("bytesFetched").asLong()));
    }

    private static void releaseQuietly(DaemonImages images, Path dir, Machines machines) {
        try {
            images.releaseIfUnused(dir, machines);
        } catch (RuntimeException ignored) {
            // the mount stays; 'container unmount' removes it
        }
    }

    /** A step shown on a terminal only: without one, output is the result or a one-line error. */
    private void progress(String line) {
        if (!json() && System.console() != null) {
            err().println(line);
            err().flush();
        }
    }

    private List<String> keys() {
        List<String> out = new ArrayList<>();
        for (String k : sshKeys) {
            Path p = Path.of(k);
            if (!k.startsWith("ssh-") && !k.startsWith("ecdsa-") && !k.startsWith("sk-")) {
                if (!Files.isRegularFile(p)) throw new UserException(k + " is neither a public key nor a file: give 'ssh-ed25519 AAAA...' or a .pub file");
                out.addAll(lines(p));
            } else {
                out.add(k.strip());
            }
        }
        if (sshKeys.isEmpty()) {
            out.addAll(io.spore.cli.daemon.ConfigLoader.sshKeys(System.getenv()));
            Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
            if (Files.isRegularFile(ssh.resolve("authorized_keys"))) out.addAll(lines(ssh.resolve("authorized_keys")));
            try (var s = Files.list(ssh)) {
                for (Path p : s.filter(p -> p.toString().endsWith(".pub")).sorted().toList()) out.addAll(lines(p));
            } catch (IOException ignored) {
                // no ~/.ssh: no default keys, 'container shell' still gets in
            }
        }
        return out;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UserException("cannot read " + p + ": " + e.getMessage());
        }
    }

    static String defaultName(String from) {
        String base = from.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        base = base.replaceAll("^-+", "");
        if (base.isEmpty()) base = "m";
        if (base.length() > 40) base = base.substring(0, 40);
        return base + "-" + String.format("%04x", java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
    }
}
