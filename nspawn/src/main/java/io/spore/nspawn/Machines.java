package io.spore.nspawn;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The machines under one data directory: overlay over a read-only lower directory (wherever it
 * comes from), networking, SSH keys, systemd-nspawn --boot, and their life cycle. State lives in
 * {@code <data-dir>/machines/<name>/config.json}; a new {@code Machines} adopts machines that are
 * still running and cleans up after those that are not, so none is ever orphaned.
 *
 * <p>Works on a host whose PID 1 is not systemd: nspawn runs with {@code --register=no --keep-unit}.
 */
public final class Machines {
    public static final String DEFAULT_BRIDGE = "spore0";
    public static final String DEFAULT_POOL = "10.77.0.0/24";
    private static final ReentrantLock JVM_LOCK = new ReentrantLock();
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path machinesDir;
    private final Path runDir;
    private final String bridge;
    private final AddressPool pool;
    private final ProcessRunner runner;
    private final Overlay overlay;
    private final Net net;
    private Duration bootTimeout = Duration.ofSeconds(120);
    private Duration stopTimeout = Duration.ofSeconds(30);
    private FileChannel lockChannel;
    private FileLock fileLock;

    Machines(Path dataDir, String bridge, String pool, ProcessRunner runner) {
        this.machinesDir = dataDir.resolve("machines");
        this.runDir = dataDir.resolve("run");
        this.bridge = Net.checkBridgeName(bridge);
        this.pool = AddressPool.parse(pool);
        this.runner = runner;
        this.overlay = new Overlay(runner);
        this.net = new Net(runner);
        try {
            Files.createDirectories(machinesDir);
        } catch (IOException e) {
            throw new NspawnException("cannot create " + machinesDir + ": " + e.getMessage() + ": give a writable --data-dir", e);
        }
    }

    /** Machines under {@code dataDir} on the default bridge and pool, adopting any still running. */
    public static Machines open(Path dataDir) {
        return open(dataDir, DEFAULT_BRIDGE, DEFAULT_POOL);
    }

    /** Machines under {@code dataDir}; new machines go on {@code bridge} with addresses from {@code pool} (CIDR). */
    public static Machines open(Path dataDir, String bridge, String pool) {
        Machines m = new Machines(dataDir, bridge, pool, ProcessRunner.system());
        m.reconcile();
        return m;
    }

    /** How long boot waits for SSH (or the default target), and stop for a clean poweroff before killing. */
    public Machines timeouts(Duration boot, Duration stop) {
        this.bootTimeout = boot;
        this.stopTimeout = stop;
        return this;
    }

    // ---- life cycle -------------------------------------------------------------------------

    /**
     * Creates and boots machine {@code name} over {@code lowerDir}; with {@code waitReady} returns
     * once its sshd accepts connections (or its init reached the default target).
     */
    public MachineInfo create(String name, Path lowerDir, MachineSpec spec, boolean waitReady) {
        checkName(name);
        Path lower = lowerDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(lower)) {
            throw new NspawnException(lower + " is not a directory: give the root directory of the image to boot");
        }
        if (!hasInit(lower)) {
            throw new NspawnException(lower + " has no init (/sbin/init or /lib/systemd/systemd): boot needs a bootable image; use 'container run' to run one command in it");
        }
        spec.binds().forEach(NspawnArgs::checkBind);
        MachineConfig cfg = locked(() -> {
            Path dir = machinesDir.resolve(name);
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                throw new NspawnException("a machine named " + name + " exists already: pick another --name or remove it with 'container rm " + name + "'");
            } catch (IOException e) {
                throw new NspawnException("cannot create " + dir + ": " + e.getMessage(), e);
            }
            try {
                String address = null;
                if (spec.network() == NetworkMode.BRIDGE) {
                    Set<String> used = new HashSet<>();
                    for (MachineConfig c : configs()) {
                        if (c.address() != null && bridge.equals(c.bridge())) used.add(c.address());
                    }
                    address = pool.allocate(used);
                }
                String netId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
                MachineConfig c = new MachineConfig(name, spec.label().isEmpty() ? lower.toString() : spec.label(),
                        lower.toString(), spec.network(), bridge, pool.cidr(), address, netId,
                        spec.memoryBytes(), spec.cpus(), spec.binds(), 0, 0, 0, 0, 0);
                save(c);
                return launch(c, spec.sshKeys());
            } catch (RuntimeException e) {
                deleteTree(dir);
                releaseShared(spec.network(), bridge);
                throw e;
            }
        });
        if (waitReady) {
            try {
                awaitReady(cfg);
            } catch (RuntimeException e) {
                rmQuietly(name);
                throw e;
            }
        }
        return info(cfg);
    }

    /** Boots a stopped machine again, keeping its writes. */
    public MachineInfo start(String name, boolean waitReady) {
        MachineConfig cfg = locked(() -> {
            MachineConfig c = load(name);
            if (alive(c)) throw new NspawnException("machine " + name + " is running already: stop it first with 'container stop " + name + "'");
            Path lower = Path.of(c.lowerDir());
            if (!Files.isDirectory(lower)) {
                throw new NspawnException("the image of " + name + " (" + lower + ") is not there any more: mount it again, or remove the machine with 'container rm " + name + "'");
            }
            return launch(c, List.of());
        });
        if (waitReady) {
            try {
                awaitReady(cfg);
            } catch (RuntimeException e) {
                stop(name);
                throw e;
            }
        }
        return info(cfg);
    }

    /** Clean poweroff (systemd-nspawn turns SIGTERM into the init's poweroff signal), killed after the stop timeout. False if it was not running. */
    public boolean stop(String name) {
        MachineConfig c = locked(() -> load(name));
        boolean wasRunning = alive(c);
        if (wasRunning) {
            if (!waitGone(c, stopTimeout, true)) {
                long leader = Procs.firstChild(c.pid());
                // Killing the container's PID 1 kills its whole pid namespace; then nspawn exits.
                if (leader > 0) ProcessHandle.of(leader).ifPresent(ProcessHandle::destroyForcibly);
                ProcessHandle.of(c.pid()).ifPresent(ProcessHandle::destroyForcibly);
                waitGone(c, Duration.ofSeconds(10), false);
                // A killed nspawn cannot remove its mount-propagation directory itself.
                runner.run(List.of("rm", "-rf", "--one-file-system", "--", "/run/systemd/nspawn/propagate/" + c.name()));
            }
        }
        locked(() -> {
            MachineConfig now = load(name);
            if (alive(now)) {
                // Marking it stopped now would orphan it: say so and leave the state as it is.
                throw new NspawnException("machine " + name + " did not stop: systemd-nspawn (pid " + now.pid()
                        + ") is still running even after SIGKILL; check 'ps -o stat " + now.pid() + "' and run 'container stop " + name + "' again");
            }
            cleanup(now);
            save(now.stopped());
            return null;
        });
        return wasRunning;
    }

    /** Stops the machine if needed, deletes its writes and releases its address; the bridge and NAT table go with the last machine. */
    public void rm(String name) {
        MachineConfig c = locked(() -> load(name));
        if (alive(c)) stop(name);
        locked(() -> {
            MachineConfig now = load(name);
            cleanup(now);
            Path dir = machinesDir.resolve(name);
            if (Overlay.isMounted(dir.resolve("root"))) {
                throw new NspawnException(dir.resolve("root") + " is still mounted: unmount it (umount -l) and run 'container rm " + name + "' again");
            }
            deleteTree(dir);
            releaseShared(now.network(), now.bridge());
            return null;
        });
    }

    /**
     * Waits until a machine started without waiting takes SSH (or its init reached its default
     * target), so a caller can show progress of its own meanwhile.
     */
    public MachineInfo awaitReady(String name) {
        MachineConfig c = load(name);
        if (!alive(c)) throw new NspawnException("machine " + name + " is not running: start it with 'container start " + name + "'");
        awaitReady(c);
        return get(name);
    }

    public List<MachineInfo> list() {
        return configs().stream().map(this::info).toList();
    }

    public MachineInfo get(String name) {
        return info(load(name));
    }

    /** The console output of the machine's boots (appended, one boot after another). */
    public Path consoleLog(String name) {
        load(name);
        return machinesDir.resolve(name).resolve("console.log");
    }

    /** The command that enters a running machine's namespaces (no SSH needed); {@code command} empty: a login shell. */
    public List<String> shellCommand(String name, List<String> command) {
        MachineConfig c = load(name);
        long leader = alive(c) ? Procs.firstChild(c.pid()) : -1;
        if (leader <= 0) throw new NspawnException("machine " + name + " is not running: start it with 'container start " + name + "'");
        Path root = machinesDir.resolve(name).resolve("root");
        List<String> argv = new ArrayList<>(List.of("nsenter", "--target", Long.toString(leader),
                "--mount", "--uts", "--ipc", "--net", "--pid", "--"));
        if (RootFs.hasExecutable(root, "/usr/bin/env")) {
            // The host's environment (PATH, HOME) means nothing inside.
            argv.addAll(List.of("/usr/bin/env", "-i", "HOME=/root", "TERM=" + System.getenv().getOrDefault("TERM", "xterm"),
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        }
        if (command.isEmpty()) {
            argv.addAll(RootFs.hasExecutable(root, "/bin/bash") ? List.of("/bin/bash", "-l") : List.of("/bin/sh", "-l"));
        } else {
            argv.addAll(command);
        }
        return argv;
    }

    /** Enters a running machine with the caller's terminal; returns the command's exit code. */
    public int shell(String name, List<String> command) {
        return shell(name, command, ProcessBuilder.Redirect.INHERIT, ProcessBuilder.Redirect.INHERIT);
    }

    /** As {@link #shell(String, List)}, output sent where given. */
    public int shell(String name, List<String> command, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err) {
        return runner.interactive(shellCommand(name, command), out, err);
    }

    /**
     * Runs one command in {@code lowerDir} without booting an init, on a throw-away upper layer
     * and the host's network; returns its exit code.
     */
    public int run(Path lowerDir, List<String> binds, List<String> command, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err) {
        Path lower = lowerDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(lower)) throw new NspawnException(lower + " is not a directory: give the root directory of the image");
        Path dir = runDir.resolve(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        Path root = dir.resolve("root");
        try {
            Files.createDirectories(dir.resolve("upper"));
            Files.createDirectories(dir.resolve("work"));
            Files.createDirectories(root);
            overlay.mount(lower, dir.resolve("upper"), dir.resolve("work"), root);
            return runner.interactive(NspawnArgs.run("run-" + dir.getFileName().toString().substring(0, 12), root, binds, command), out, err);
        } catch (IOException e) {
            throw new NspawnException("cannot create " + dir + ": " + e.getMessage(), e);
        } finally {
            try {
                overlay.unmount(root);
            } finally {
                if (!Overlay.isMounted(root)) deleteTree(dir);
            }
        }
    }

    // ---- internals --------------------------------------------------------------------------

    /** Mount, network, keys, nspawn; runs under the lock so a concurrent reconcile never sees it half made. */
    private MachineConfig launch(MachineConfig c, List<String> sshKeys) {
        Path dir = machinesDir.resolve(c.name());
        Path root = dir.resolve("root");
        Path cg = null;
        try {
            if (c.memoryBytes() > 0 || c.cpus() > 0) cg = Cgroup.create("m-" + c.netId(), c.memoryBytes(), c.cpus());
            for (String d : List.of("upper", "work", "root")) Files.createDirectories(dir.resolve(d));
            overlay.mount(Path.of(c.lowerDir()), dir.resolve("upper"), dir.resolve("work"), root);
            if (!sshKeys.isEmpty()) writeKeys(root, sshKeys);
            Path netns = null;
            if (c.network() == NetworkMode.BRIDGE) {
                RootFs.write(root, "etc/resolv.conf", Net.resolvConf(hostResolvConf()), "rw-r--r--", "rwxr-xr-x");
                AddressPool p = AddressPool.parse(c.pool());
                if (!hasOtherMachineOn(c)) markBridge(c.bridge());
                net.ensureBridge(c.bridge(), p);
                net.ensureNat(c.bridge(), p);
                net.addMachine(c.netId(), c.bridge(), c.address(), p);
                netns = Net.netnsPath(c.netId());
            }
            List<String> argv = NspawnArgs.boot(c.name(), root, netns, c.binds());
            if (cg != null) argv = Cgroup.wrap(cg, argv);
            Path log = dir.resolve("console.log");
            Files.writeString(log, "---- spore: boot " + java.time.Instant.now() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            long pid = runner.spawn(argv, log);
            long ticks = Procs.startTicks(pid);
            MachineConfig running = c.running(pid, ticks, System.currentTimeMillis());
            save(running);
            return running;
        } catch (IOException | RuntimeException e) {
            cleanup(c);
            Cgroup.remove(cg);
            if (e instanceof RuntimeException re) throw re;
            throw new NspawnException("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeKeys(Path root, List<String> keys) {
        Set<String> lines = new LinkedHashSet<>();
        for (String l : RootFs.readRegular(root, "root/.ssh/authorized_keys").split("\n")) {
            if (!l.isBlank()) lines.add(l.strip());
        }
        for (String k : keys) {
            if (k.contains("\n")) throw new NspawnException("an SSH key spans several lines: give one public key per line");
            if (!k.isBlank()) lines.add(k.strip());
        }
        RootFs.write(root, "root/.ssh/authorized_keys", String.join("\n", lines) + "\n", "rw-------", "rwx------");
    }

    private static String hostResolvConf() {
        try {
            return Files.readString(Path.of("/etc/resolv.conf"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits for sshd's banner on the machine's address, or for its systemd to finish booting. */
    private void awaitReady(MachineConfig c) {
        long deadline = System.nanoTime() + bootTimeout.toNanos();
        Path root = machinesDir.resolve(c.name()).resolve("root");
        boolean ssh = c.network() == NetworkMode.BRIDGE && RootFs.hasExecutable(root, "/usr/sbin/sshd");
        while (true) {
            if (!alive(c)) {
                throw new NspawnException("machine " + c.name() + " stopped while booting: see its console with 'container logs " + c.name() + "'");
            }
            if (ssh ? sshAnswers(c.address()) : initReady(c)) {
                rememberLeader(c);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new NspawnException("machine " + c.name() + " did not become ready within " + bootTimeout.toSeconds()
                        + " s (" + (ssh ? "no SSH on " + c.address() + ":22" : "init not at its default target") + "): see 'container logs " + c.name() + "'");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NspawnException("interrupted while waiting for " + c.name() + " to boot", e);
            }
        }
    }

    /** Once booted, nspawn's child is the container's init for good (earlier it may be nspawn's own helper). */
    private void rememberLeader(MachineConfig c) {
        long leader = Procs.firstChild(c.pid());
        if (leader <= 0) return;
        long ticks = Procs.startTicks(leader);
        locked(() -> {
            MachineConfig now = load(c.name());
            if (now.pid() == c.pid() && now.pidStartTicks() == c.pidStartTicks()) save(now.withLeader(leader, ticks));
            return null;
        });
    }

    private static boolean sshAnswers(String address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, 22), 500);
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            byte[] b = in.readNBytes(4);
            return new String(b, StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }

    private boolean initReady(MachineConfig c) {
        long leader = Procs.firstChild(c.pid());
        if (leader <= 0) return false;
        Path root = machinesDir.resolve(c.name()).resolve("root");
        if (!RootFs.hasExecutable(root, "/bin/systemctl") && !RootFs.hasExecutable(root, "/usr/bin/systemctl")) {
            return true; // not systemd: a running init is all we can know
        }
        String state = runner.run(List.of("nsenter", "--target", Long.toString(leader), "--mount", "--pid", "--",
                "systemctl", "is-system-running")).out().strip();
        return state.equals("running") || state.equals("degraded");
    }

    /**
     * Waits for nspawn to exit. With {@code term}, sends it SIGTERM every 2 s: a poweroff signal
     * that reaches the container's init before systemd has installed its handlers is lost.
     */
    private boolean waitGone(MachineConfig c, Duration timeout, boolean term) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextTerm = System.nanoTime();
        while (alive(c)) {
            if (System.nanoTime() > deadline) return false;
            if (term && System.nanoTime() >= nextTerm) {
                ProcessHandle.of(c.pid()).ifPresent(ProcessHandle::destroy);
                nextTerm = System.nanoTime() + 2_000_000_000L;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !alive(c);
            }
        }
        return true;
    }

    /** Unmounts and removes the network of a machine whose nspawn is gone (or never started). */
    private void cleanup(MachineConfig c) {
        if (alive(c)) return;
        killLeftovers(c);
        Path dir = machinesDir.resolve(c.name());
        RuntimeException first = null;
        try {
            overlay.unmount(dir.resolve("root"));
        } catch (RuntimeException e) {
            first = e;
        }
        if (c.network() == NetworkMode.BRIDGE && c.netId() != null) net.removeMachine(c.netId());
        if (c.memoryBytes() > 0 || c.cpus() > 0) {
            Path cgRoot = Cgroup.root();
            if (cgRoot != null) Cgroup.remove(cgRoot.resolve("spore").resolve("m-" + c.netId()));
        }
        if (first != null) throw first;
    }

    /**
     * nspawn gone but the container still running (nspawn was killed): kill its init, which takes
     * its whole pid namespace along, and anything else still in the machine's network namespace.
     */
    private void killLeftovers(MachineConfig c) {
        List<Long> pids = new ArrayList<>();
        if (Procs.alive(c.leaderPid(), c.leaderStartTicks())) pids.add(c.leaderPid());
        if (c.network() == NetworkMode.BRIDGE && c.netId() != null && Files.exists(Net.netnsPath(c.netId()))) {
            for (String l : runner.run(List.of("ip", "netns", "pids", Net.netns(c.netId()))).out().split("\n")) {
                if (l.strip().matches("\\d+")) pids.add(Long.parseLong(l.strip()));
            }
        }
        if (pids.isEmpty()) return;
        pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && pids.stream().anyMatch(p -> Procs.startTicks(p) >= 0)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Called after a machine's directory is gone: drops bridge and NAT table when no machine uses them. */
    private void releaseShared(NetworkMode mode, String br) {
        if (mode != NetworkMode.BRIDGE) return;
        if (configs().stream().anyMatch(o -> o.network() == NetworkMode.BRIDGE && br.equals(o.bridge()))) return;
        Path marker = machinesDir.resolve(".bridge-" + br);
        if (Files.exists(marker)) {
            net.removeShared(br);
            try {
                Files.deleteIfExists(marker);
            } catch (IOException ignored) {
                // stays: the next removal tries again
            }
        }
    }

    private boolean hasOtherMachineOn(MachineConfig c) {
        return configs().stream().anyMatch(o -> !o.name().equals(c.name()) && o.network() == NetworkMode.BRIDGE && c.bridge().equals(o.bridge()));
    }

    /** Remembers that the bridge and NAT table are ours to remove (an existing bridge of the host's is never removed). */
    private void markBridge(String br) throws IOException {
        Path marker = machinesDir.resolve(".bridge-" + br);
        if (!Files.exists(marker) && !runner.run(List.of("ip", "link", "show", "dev", br)).ok()) {
            Files.writeString(marker, "created by spore\n");
        }
    }

    /** Adopts running machines; cleans after those whose nspawn is gone (host rebooted, killed). */
    void reconcile() {
        locked(() -> {
            for (MachineConfig c : configs()) {
                if (!alive(c)) {
                    boolean leftovers = c.pid() != 0 || Overlay.isMounted(machinesDir.resolve(c.name()).resolve("root"))
                            || (c.netId() != null && Files.exists(Net.netnsPath(c.netId())));
                    if (leftovers) {
                        cleanup(c);
                        save(c.stopped());
                    }
                }
            }
            return null;
        });
    }

    private static boolean alive(MachineConfig c) {
        return Procs.alive(c.pid(), c.pidStartTicks());
    }

    private MachineInfo info(MachineConfig c) {
        boolean up = alive(c);
        long leader = up ? Procs.firstChild(c.pid()) : 0;
        return new MachineInfo(c.name(), c.label(), up ? MachineState.RUNNING : MachineState.STOPPED,
                c.network() == NetworkMode.HOST ? "host" : c.address(),
                up ? Duration.ofMillis(Math.max(0, System.currentTimeMillis() - c.startedAtMillis())) : Duration.ZERO,
                Path.of(c.lowerDir()), Math.max(leader, 0));
    }

    private static boolean hasInit(Path lower) {
        return RootFs.hasExecutable(lower, "/sbin/init") || RootFs.hasExecutable(lower, "/lib/systemd/systemd")
                || RootFs.hasExecutable(lower, "/usr/lib/systemd/systemd");
    }

    static void checkName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new NspawnException("machine name '" + name + "' is not valid: use lower-case letters, digits and '-' (up to 63), such as web-1");
        }
    }

    // ---- state files ------------------------------------------------------------------------

    MachineConfig load(String name) {
        checkName(name);
        Path f = machinesDir.resolve(name).resolve("config.json");
        try {
            return JSON.readValue(f.toFile(), MachineConfig.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new NspawnException("no machine named " + name + ": see 'container ls' for the machines there are");
        } catch (IOException e) {
            if (!Files.exists(f)) throw new NspawnException("no machine named " + name + ": see 'container ls' for the machines there are");
            throw new NspawnException("cannot read " + f + ": " + e.getMessage() + ": fix or remove the file", e);
        }
    }

    private List<MachineConfig> configs() {
        List<MachineConfig> out = new ArrayList<>();
        try (var s = Files.list(machinesDir)) {
            for (Path d : s.sorted().toList()) {
                Path f = d.resolve("config.json");
                if (Files.isRegularFile(f)) {
                    try {
                        out.add(JSON.readValue(f.toFile(), MachineConfig.class));
                    } catch (IOException e) {
                        // half-written by a crash: ignored until removed
                    }
                }
            }
        } catch (IOException e) {
            throw new NspawnException("cannot list " + machinesDir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private void save(MachineConfig c) {
        Path dir = machinesDir.resolve(c.name());
        Path tmp = dir.resolve("config.json.tmp");
        try {
            JSON.writeValue(tmp.toFile(), c);
            Files.move(tmp, dir.resolve("config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NspawnException("cannot write " + dir.resolve("config.json") + ": " + e.getMessage(), e);
        }
    }

    /** One machine operation at a time per data directory: in this JVM and across processes. */
    private <T> T locked(Supplier<T> body) {
        JVM_LOCK.lock();
        try {
            boolean outer = JVM_LOCK.getHoldCount() == 1;
            if (outer) {
                lockChannel = FileChannel.open(machinesDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                fileLock = lockChannel.lock();
            }
            try {
                return body.get();
            } finally {
                if (outer) {
                    fileLock.release();
                    lockChannel.close();
                }
            }
        } catch (IOException e) {
            throw new NspawnException("cannot lock " + machinesDir.resolve(".lock") + ": " + e.getMessage(), e);
        } finally {
            JVM_LOCK.unlock();
        }
    }

    private void rmQuietly(String name) {
        try {
            rm(name);
        } catch (RuntimeException ignored) {
            // the first error is the one to report
        }
    }

    /** rm -rf that stays on one file system: a mount left inside is never descended into. */
    private void deleteTree(Path dir) {
        if (Files.exists(dir)) runner.run(List.of("rm", "-rf", "--one-file-system", "--", dir.toString()));
    }
}
