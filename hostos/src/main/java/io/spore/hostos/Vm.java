package io.spore.hostos;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Spore OS in qemu on this machine: {@code container vm up|ip|ssh|status|down}. The VM gets a
 * tap device on a host bridge; dnsmasq on the bridge leases it an address, and the leases file
 * (matched by the VM's MAC, which we chose) tells us where it is.
 */
public final class Vm {
    private final VmState state;

    /** @param stateDir where the VM's pids, key, leases and console log live ({@code <data-dir>/vm}) */
    public Vm(Path stateDir) {
        this.state = new VmState(stateDir);
    }

    public enum Accel { AUTO, KVM, TCG }

    /**
     * @param cpus     0 for the default: 1 under TCG (with 2 vCPUs on a 2-core host JVM start times
     *                 swing from 1.7 s to 10 s), 2 under KVM
     * @param sshKey   an OpenSSH public key file (its private half beside it, without .pub), or
     *                 null to make an ed25519 key in the state directory
     * @param disk     the persistent disk (created and labelled spore-persist when missing), or null
     */
    public record UpOptions(Path kernel, Path initrd, long memoryMiB, int cpus, Path disk, long diskMiB,
                            String hostname, Path sshKey, List<String> peers, Accel accel, String bridge,
                            String bridgeAddress, boolean nat, Duration timeout, boolean waitDaemon) {}

    /** Times are from qemu's start, in milliseconds; daemonMillis is -1 when not waited for or failed. */
    public record UpResult(String ip, String hostname, String accel, long leaseMillis, long sshMillis,
                           long daemonMillis, String daemonNote) {}

    public record Status(boolean running, long pid, String hostname, String ip, String mac, String accel,
                         Path console) {}

    public UpResult up(UpOptions o, Consumer<String> progress) {
        if (VmState.alive(state.pid("qemuPid"), "qemu").isPresent()) {
            throw new HostOsException("a VM is already running (pid " + state.pid("qemuPid") + ", "
                    + state.get("hostname").orElse("?") + "): stop it with 'container vm down'");
        }
        for (Path f : List.of(o.kernel(), o.initrd())) {
            if (!Files.isRegularFile(f)) {
                throw new HostOsException("no Spore OS at " + f + ": run 'container os build' first (or pass --kernel and --initrd)");
            }
        }
        try {
            Files.createDirectories(state.dir);
        } catch (IOException e) {
            throw new HostOsException("cannot create " + state.dir + " (" + e.getMessage() + "): check --data-dir");
        }
        state.clear();
        Path privateKey = sshKey(o.sshKey());
        String keys = read(Path.of(privateKey + ".pub"));
        String hostname = o.hostname() != null ? o.hostname() : "spore-" + hex(3);
        String mac = "52:54:00:" + hex(1) + ":" + hex(1) + ":" + hex(1);
        if (o.disk() != null) prepareDisk(o.disk(), o.diskMiB(), progress);

        boolean kvm = switch (o.accel()) {
            case KVM -> true;
            case TCG -> false;
            case AUTO -> Qemu.kvmWorks(state.dir, 5000);
        };
        int cpus = o.cpus() > 0 ? o.cpus() : kvm ? 2 : 1;
        String cmdline = KernelCmdline.build(keys, hostname, o.peers(), null, true);

        HostNetwork.Subnet net = HostNetwork.Subnet.parse(o.bridgeAddress());
        boolean bridgeCreated = !HostNetwork.linkExists(o.bridge());
        HostNetwork.ensureBridge(o.bridge(), net);
        String tap = HostNetwork.addTap(o.bridge());
        state.set("hostname", hostname).set("mac", mac).set("key", privateKey).set("bridge", o.bridge())
                .set("bridgeCreated", bridgeCreated).set("tap", tap).set("accel", kvm ? "kvm" : "tcg").save();
        Path leases = state.file("leases");
        boolean ok = false;
        try {
            try {
                Files.deleteIfExists(state.file("dnsmasq.pid"));
                Files.deleteIfExists(state.file("console.log"));
            } catch (IOException e) {
                throw new HostOsException("cannot clean " + state.dir + ": " + e.getMessage());
            }
            HostNetwork.startDnsmasq(o.bridge(), net, leases, state.file("dnsmasq.pid"), state.file("dnsmasq.log"));
            state.set("dnsmasqPid", read(state.file("dnsmasq.pid")).strip()).save();
            if (o.nat()) {
                HostNetwork.enableNat(o.bridge(), net);
                state.set("nat", true).save();
            }
            progress.accept("starting Spore OS (" + (kvm ? "KVM" : "TCG") + ", " + cpus + " vCPU, " + o.memoryMiB()
                    + " MiB, hostname " + hostname + ")");
            long t0 = System.nanoTime();
            try {
                Exec.run(Qemu.command(new Qemu.Spec(o.kernel(), o.initrd(), cmdline, kvm, cpus, o.memoryMiB(), tap, mac,
                        o.disk(), state.file("console.log"), state.file("qemu.pid"), state.file("monitor.sock"))));
            } catch (HostOsException e) {
                if (!kvm || o.accel() != Accel.AUTO) throw e;
                // The probe passed but the real VM did not start (nested KVM): TCG, as documented.
                progress.accept("KVM failed to start the VM (" + e.getMessage() + "): falling back to TCG");
                kvm = false;
                cpus = o.cpus() > 0 ? o.cpus() : 1;
                state.set("accel", "tcg").save();
                t0 = System.nanoTime();
                Exec.run(Qemu.command(new Qemu.Spec(o.kernel(), o.initrd(), cmdline, false, cpus, o.memoryMiB(), tap, mac,
                        o.disk(), state.file("console.log"), state.file("qemu.pid"), state.file("monitor.sock"))));
            }
            state.set("qemuPid", read(state.file("qemu.pid")).strip()).set("started", System.currentTimeMillis()).save();

            long deadline = t0 + o.timeout().toNanos();
            Lease lease = null;
            while (lease == null) {
                lease = Leases.find(Files.exists(leases) ? Leases.parseDnsmasq(read(leases)) : List.of(), hostname, mac).orElse(null);
                if (lease == null) waitOrFail(deadline, "a DHCP lease");
            }
            long leaseMs = ms(t0);
            state.set("ip", lease.ip()).save();
            progress.accept("lease " + lease.ip() + " after " + leaseMs + " ms");
            while (!sshAnswers(lease.ip())) waitOrFail(deadline, "sshd on " + lease.ip());
            long sshMs = ms(t0);
            state.set("sshMillis", sshMs).save();
            progress.accept("sshd answers on " + lease.ip() + " after " + sshMs + " ms");
            long daemonMs = -1;
            String note = "not waited for";
            if (o.waitDaemon()) {
                while (true) {
                    String log = consoleLog();
                    if (log.contains("daemon ready")) {
                        daemonMs = ms(t0);
                        note = "ready";
                        break;
                    }
                    int i = log.indexOf("daemon exited with status");
                    if (i >= 0) {
                        note = log.substring(i, log.indexOf('\n', i) < 0 ? log.length() : log.indexOf('\n', i)).strip()
                                + " (see /var/log/spore-daemon.log in the VM)";
                        break;
                    }
                    waitOrFail(deadline, "the daemon");
                }
                progress.accept("daemon: " + note + (daemonMs >= 0 ? " after " + daemonMs + " ms" : ""));
            }
            ok = true;
            return new UpResult(lease.ip(), hostname, kvm ? "kvm" : "tcg", leaseMs, sshMs, daemonMs, note);
        } finally {
            if (!ok) stopEverything(Duration.ZERO);
        }
    }

    private void waitOrFail(long deadline, String what) {
        long pid = state.pid("qemuPid");
        if (pid > 0 && VmState.alive(pid, "qemu").isEmpty()) {
            throw new HostOsException("qemu exited before " + what + " appeared: see " + state.file("console.log") + lastLine());
        }
        if (System.nanoTime() > deadline) {
            throw new HostOsException("timed out waiting for " + what + ": see " + state.file("console.log") + lastLine()
                    + " (under TCG a boot takes a minute or more: raise --timeout)");
        }
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostOsException("interrupted while waiting for " + what);
        }
    }

    private String lastLine() {
        String[] l = consoleLog().strip().split("\n");
        return l.length == 0 || l[l.length - 1].isBlank() ? "" : " (last line: " + l[l.length - 1].strip() + ")";
    }

    public String consoleLog() {
        Path f = state.file("console.log");
        if (!Files.exists(f)) return "";
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
            byte[] b = new byte[(int) Math.min(r.length(), 1 << 20)];
            r.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public Optional<String> ip() {
        if (VmState.alive(state.pid("qemuPid"), "qemu").isEmpty()) return Optional.empty();
        Path leases = state.file("leases");
        if (Files.exists(leases)) {
            Optional<Lease> l = Leases.find(Leases.parseDnsmasq(read(leases)), state.get("hostname").orElse(null),
                    state.get("mac").orElse(null));
            if (l.isPresent()) return Optional.of(l.get().ip());
        }
        return state.get("ip");
    }

    public Status status() {
        long pid = state.pid("qemuPid");
        boolean running = VmState.alive(pid, "qemu").isPresent();
        return new Status(running, running ? pid : -1, state.get("hostname").orElse(null),
                running ? ip().orElse(null) : null, state.get("mac").orElse(null), state.get("accel").orElse(null),
                state.file("console.log"));
    }

    /** The ssh command line that reaches the VM as root with its key. */
    public List<String> sshCommand(List<String> remote, boolean tty) {
        String ip = ip().orElseThrow(() -> new HostOsException("no VM is running: start one with 'container vm up'"));
        List<String> c = new ArrayList<>(List.of("ssh", "-i", state.get("key").orElseThrow(),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=10", "-o", "BatchMode=yes"));
        if (tty) c.add("-t");
        c.add("root@" + ip);
        c.addAll(remote);
        return c;
    }

    /** Powers the VM off over SSH, waits for qemu to exit, then takes the network down. */
    public boolean down(Duration grace) {
        boolean wasRunning = VmState.alive(state.pid("qemuPid"), "qemu").isPresent();
        if (wasRunning && ip().isPresent()) {
            Exec.tryRun(sshCommand(List.of("poweroff"), false), 15);
        }
        stopEverything(grace);
        return wasRunning;
    }

    private void stopEverything(Duration grace) {
        VmState.alive(state.pid("qemuPid"), "qemu").ifPresent(h -> stop(h, grace));
        VmState.alive(state.pid("dnsmasqPid"), "dnsmasq").ifPresent(h -> stop(h, Duration.ofSeconds(2)));
        HostNetwork.deleteLink(state.get("tap").orElse(null));
        state.get("bridge").ifPresent(b -> {
            if (state.get("nat").isPresent()) HostNetwork.disableNat(b);
            if (Boolean.parseBoolean(state.get("bridgeCreated").orElse("false"))) HostNetwork.deleteLink(b);
        });
        state.set("qemuPid", null).set("dnsmasqPid", null).set("ip", null).set("tap", null).set("nat", null).save();
    }

    private static void stop(ProcessHandle h, Duration grace) {
        long end = System.nanoTime() + grace.toNanos();
        while (h.isAlive() && System.nanoTime() < end) sleep(100);
        if (h.isAlive()) {
            h.destroy();
            long t = System.nanoTime() + 3_000_000_000L;
            while (h.isAlive() && System.nanoTime() < t) sleep(50);
        }
        if (h.isAlive()) h.destroyForcibly();
    }

    private Path sshKey(Path given) {
        if (given != null) {
            Path pub = given.toString().endsWith(".pub") ? given : Path.of(given + ".pub");
            Path priv = Path.of(pub.toString().substring(0, pub.toString().length() - 4));
            if (!Files.isRegularFile(pub)) throw new HostOsException("no public key at " + pub + ": give an OpenSSH .pub file");
            return priv;
        }
        Path priv = state.file("id_ed25519");
        if (!Files.exists(priv)) {
            Exec.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "container-vm", "-f", priv.toString()));
        }
        return priv;
    }

    private static void prepareDisk(Path disk, long mib, Consumer<String> progress) {
        if (Files.exists(disk)) return;
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(mib << 20);
        } catch (IOException e) {
            throw new HostOsException("cannot create the disk " + disk + " (" + e.getMessage() + "): check the path");
        }
        Exec.run(List.of("mkfs.ext4", "-q", "-F", "-L", "spore-persist", disk.toString()));
        progress.accept("made a " + mib + " MiB persistent disk at " + disk + " (ext4, label spore-persist)");
    }

    /** True when something on ip:22 speaks SSH (the banner), not merely accepts connections. */
    static boolean sshAnswers(String ip) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, 22), 1000);
            s.setSoTimeout(3000);
            InputStream in = s.getInputStream();
            byte[] b = new byte[4];
            return in.readNBytes(b, 0, 4) == 4 && new String(b, StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new HostOsException("cannot read " + f + ": " + e.getMessage());
        }
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
