package io.spore.p2p.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A js-libp2p peer process for tests (tests/interop/js/*.mjs, installed by
 * tests/setup/10-npm-peers.sh under $SPORE_TEST_CACHE/npm-peers/current). The script prints one
 * JSON "ready" line with its peer id and addresses, then answers JSON commands on stdin.
 * {@link #start} skips the test outside CI when the peers are not installed and fails under
 * CI=true. Close it (try-with-resources) to stop the process; only this process is killed.
 *
 * <pre>
 * try (JsPeer js = JsPeer.start("spore-peer.mjs", Map.of())) {
 *     JsonNode r = js.call("ping", Map.of("addr", myAddress.toString()));
 * }
 * </pre>
 */
public final class JsPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Writer stdin;
    private final PeerId peerId;
    private final List<Multiaddr> addresses;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuffer stderr = new StringBuffer();

    private JsPeer(Process process, JsonNode ready, BufferedReader out) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.peerId = PeerId.parse(ready.get("peer").asText());
        List<Multiaddr> addrs = new ArrayList<>();
        for (JsonNode a : ready.get("addrs")) addrs.add(Multiaddr.parse(a.asText()));
        this.addresses = List.copyOf(addrs);
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    JsonNode n;
                    try {
                        n = JSON.readTree(line);
                    } catch (IOException e) {
                        continue; // a log line
                    }
                    JsonNode id = n.get("id");
                    if (id != null) {
                        CompletableFuture<JsonNode> f = pending.remove(id.asInt());
                        if (f != null) f.complete(n);
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            IOException gone = new IOException("js peer exited: " + tail());
            pending.values().forEach(f -> f.completeExceptionally(gone));
        }, "js-peer-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** The directory with node_modules and the peer scripts. */
    public static Path peersDir() {
        String cache = System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests");
        return Path.of(cache, "npm-peers", "current");
    }

    /** Starts {@code script} from the peers directory with extra environment {@code env}. */
    public static JsPeer start(String script, Map<String, String> env) throws IOException {
        Path dir = peersDir();
        boolean ready = Files.isDirectory(dir.resolve("node_modules")) && Files.exists(dir.resolve(script));
        if (!ready) {
            String msg = "js-libp2p peers not installed in " + dir + " (or " + script + " missing): run tests/setup/10-npm-peers.sh";
            if ("true".equals(System.getenv("CI"))) throw new IllegalStateException(msg);
            Assumptions.assumeTrue(false, msg);
        }
        ProcessBuilder pb = new ProcessBuilder("node", "--import", "./with-resolvers.mjs", script).directory(dir.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuffer err = new StringBuffer();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (err.length() < 20_000) err.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "js-peer-stderr");
        t.setDaemon(true);
        t.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<JsonNode> first = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("{")) {
                        JsonNode n = JSON.readTree(line);
                        if (n.has("event") && "ready".equals(n.get("event").asText())) return n;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        JsonNode readyLine;
        try {
            readyLine = first.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            readyLine = null;
        }
        if (readyLine == null) {
            p.destroyForcibly();
            throw new IOException("js peer " + script + " did not start: " + err);
        }
        JsPeer peer = new JsPeer(p, readyLine, out);
        peer.stderr.append(err);
        return peer;
    }

    public PeerId peerId() { return peerId; }

    /** Listen addresses, each ending in /p2p/ID. */
    public List<Multiaddr> addresses() { return addresses; }

    /** Sends a command and waits up to {@code timeout} for its answer; throws with the peer's error when ok is false. */
    public JsonNode call(String cmd, Map<String, ?> args, Duration timeout) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode req = JSON.valueToTree(args);
        req.put("id", id);
        req.put("cmd", cmd);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        synchronized (stdin) {
            stdin.write(JSON.writeValueAsString(req) + "\n");
            stdin.flush();
        }
        JsonNode r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!r.path("ok").asBoolean()) throw new IOException("js peer: " + cmd + " failed: " + r.path("error").asText());
        return r;
    }

    public JsonNode call(String cmd, Map<String, ?> args) throws Exception {
        return call(cmd, args, Duration.ofSeconds(60));
    }

    private String tail() {
        String s = stderr.toString();
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
