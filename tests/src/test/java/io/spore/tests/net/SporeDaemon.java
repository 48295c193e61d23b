package io.spore.tests.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.cli.daemon.ControlClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code ./container daemon} running inside a node's namespace
 * ({@code nsenter --net=/run/netns/NS ./container ... daemon --listen /ip4/IP/tcp/4001}), talked to over its
 * control socket (Unix sockets are not bound to a network namespace). Stopped or killed by its pid only.
 */
public final class SporeDaemon {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int PORT = 4001;

    final String name;
    final Node node;
    public final Path dataDir;
    public final Path socket;
    final Path log;
    final Path config;
    private Process process;
    private String peerId;

    SporeDaemon(Node node, String name, String extraYaml) throws IOException {
        this.node = node;
        this.name = name;
        Path base = node.bed.dir;
        dataDir = base.resolve(name + "-data"); // may already be a tmpfs (Testbed.tmpfs(name + "-data", ...))
        socket = base.resolve(name + ".sock");
        log = base.resolve(name + ".log");
        config = base.resolve(name + ".yaml");
        String extra = extraYaml == null ? "" : extraYaml;
        // mDNS off unless asked for: namespaces are isolated, but most tests name their peers
        Files.writeString(config, (extra.contains("mdns:") ? "" : "mdns: false\n") + extra);
    }

    void start(List<String> bootstrap) throws IOException {
        List<String> args = new ArrayList<>(List.of(Testbed.container().toString(), "--data-dir", dataDir.toString(),
                "--socket", socket.toString(), "--json", "daemon", "--config", config.toString(),
                "--listen", "/ip4/" + node.ip + "/tcp/" + PORT));
        for (String b : bootstrap) args.addAll(List.of("--bootstrap", b));
        ProcessBuilder pb = new ProcessBuilder(node.exec(args)).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("SPORE_CONFIG");
        process = pb.start(); // nsenter execs the launcher, which execs java: this pid is the daemon's
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = Sh.firstLine(r, 120);
        if (line == null) {
            kill();
            throw new IOException("daemon " + name + " did not start in " + node.ns + ": " + logText());
        }
        peerId = JSON.readTree(line).path("peerId").asText();
        // keep draining stdout so the daemon never blocks on a full pipe
        Thread.ofVirtual().start(() -> {
            try {
                while (r.readLine() != null) { /* drain */ }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    /** Starts the daemon again on the same data directory (after {@link #kill} or {@link #stop}). */
    public void restart(List<String> bootstrap) throws IOException {
        if (process != null && process.isAlive()) throw new IllegalStateException(name + " still runs");
        start(bootstrap);
    }

    /** The multiaddr other daemons bootstrap with. */
    public String address() { return "/ip4/" + node.ip + "/tcp/" + PORT + "/p2p/" + peerId; }

    public long pid() { return process.pid(); }

    public boolean isAlive() { return process != null && process.isAlive(); }

    private ControlClient client() { return new ControlClient(socket); }

    public JsonNode status() { return client().get("/v1/status"); }

    /** Shares {@code dir} through the daemon; returns the key. */
    public String share(Path dir) {
        return client().stream("/v1/share", Map.of("path", dir.toString()), e -> {}).path("key").asText();
    }

    /** Pulls {@code key}; returns the {@code done} event (an error event or a dead daemon throws). */
    public JsonNode pull(String key, Consumer<JsonNode> onEvent) {
        return client().stream("/v1/pull", Map.of("key", key), onEvent);
    }

    public JsonNode pull(String key) { return pull(key, e -> {}); }

    /** Mounts {@code key} through the daemon (POST /v1/mounts); returns the mount's directory. */
    public Path mount(String key, boolean prefetch) {
        return Path.of(client().post("/v1/mounts", Map.of("key", key, "prefetch", prefetch)).path("dir").asText());
    }

    /** SIGKILL, as a crash or the OOM killer would. */
    public void kill() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends SIGTERM without waiting (the testbed stops all its daemons at once, then waits). */
    void terminate() {
        if (process != null && process.isAlive()) process.destroy();
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Bytes of every block file in the store. */
    public long storedBytes() throws IOException {
        Path blocks = dataDir.resolve("blocks");
        if (!Files.isDirectory(blocks)) return 0;
        try (var s = Files.walk(blocks)) {
            return s.filter(p -> Files.isRegularFile(p) && !p.getParent().getFileName().toString().equals(".tmp"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Override
    public String toString() { return name + " in " + node.ns; }
}
