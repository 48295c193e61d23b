package io.spore.cli;

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
                "Puts a writable layer over the image (overlayfs), gives the machine an address on the",
                "host bridge, writes your SSH keys into root's authorized_keys, boots its init with",
                "systemd-nspawn, and returns once its sshd accepts connections.",
                "",
                "For now the image must be a local directory given with --lower DIR (a root file system",
                "with /sbin/init); booting from a key needs the daemon and is not wired yet."})
final class BootCommand extends BaseCommand {
    @Parameters(arity = "0..1", paramLabel = "KEY", description = "Image key (bafy... or k51...): not wired yet, use --lower.")
    String key;

    @Option(names = "--lower", paramLabel = "DIR", description = "Boot this local root directory (read-only; writes go to the machine's own layer).")
    Path lower;

    @Option(names = "--name", paramLabel = "NAME", description = "Machine name (default: from the directory name).")
    String name;

    @Option(names = "--no-wait", description = "Return once started, without waiting for SSH.")
    boolean noWait;

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
            description = "Public key (or a file of them) for root (repeatable; default: your ~/.ssh/*.pub and ~/.ssh/authorized_keys).")
    List<String> sshKeys = new ArrayList<>();

    @Option(names = "--bridge", paramLabel = "NAME", description = "Host bridge (default: env SPORE_BRIDGE or " + Machines.DEFAULT_BRIDGE + ").")
    String bridge;

    @Option(names = "--pool", paramLabel = "CIDR", description = "Address pool (default: env SPORE_POOL or " + Machines.DEFAULT_POOL + ").")
    String pool;

    @Option(names = "--vm", description = "Boot in the Spore OS VM ('container vm up') over SSH, progress shown here; 'container ssh NAME' then reaches it through the VM.")
    boolean vm;

    @Override
    public Integer call() throws java.io.IOException, InterruptedException {
        if (vm) return VmMachines.run(this, VmMachines.argsAfter(spec, "boot", "--vm"));
        if (key != null) {
            throw new UserException("booting from a key needs the daemon: not wired yet; boot a local root directory with --lower DIR");
        }
        if (lower == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give an image: --lower DIR (a local root directory)");
        }
        String n = name != null ? name : defaultName(lower);
        long mem = memory == null ? 0 : MachineSpec.parseSize(memory);
        MachineSpec ms = new MachineSpec(lower.toAbsolutePath().normalize().toString(), mem, cpus, binds, network, keys());
        Machines machines = MachinesAccess.open(this, bridge, pool);
        long t0 = System.nanoTime();
        MachineInfo m = machines.create(n, lower, ms, !noWait);
        long ms2 = (System.nanoTime() - t0) / 1_000_000;
        if (json()) {
            var o = MachinesAccess.json(m);
            o.put("bootMillis", ms2);
            out().println(MachinesAccess.toJson(o));
        } else {
            out().printf("%s %s at %s (%s, %d ms)%n", m.name(), noWait ? "started" : "is up", m.address(),
                    noWait ? "not waiting for SSH" : "SSH ready", ms2);
            out().printf("connect: container ssh %s%s%n", m.name(),
                    m.address().equals("host") ? "" : "   (or ssh root@" + m.address() + ")");
        }
        return ExitCode.OK;
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

    static String defaultName(Path lower) {
        Path f = lower.toAbsolutePath().normalize().getFileName();
        String base = (f == null ? "m" : f.toString()).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        base = base.replaceAll("^-+", "");
        if (base.isEmpty()) base = "m";
        if (base.length() > 40) base = base.substring(0, 40);
        return base + "-" + String.format("%04x", java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
    }
}
