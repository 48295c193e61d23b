package io.spore.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.UserException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** The control API's transport and routing, with a stand-in for the daemon behind it. */
class ControlServerTest {
    @TempDir Path dir;
    private ControlServer server;

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
    }

    /** Answers as a daemon would, from memory. */
    static final class StubNode implements Node {
        final Map<String, byte[]> blocks = new LinkedHashMap<>();

        @Override public Map<String, Object> status() { return Map.of("peerId", "12D3KooWtest", "blocks", blocks.size()); }

        @Override public Map<String, Object> config() { return DaemonConfig.defaults().toMap(); }

        @Override public Object peers() { return List.of(); }

        @Override
        public Map<String, Object> pull(String key, Consumer<Map<String, Object>> progress) throws IOException {
            if (key.equals("bad")) throw new IOException("not a key: bad (give a bafy... CID)");
            for (int i = 1; i <= 3; i++) progress.accept(Map.of("event", "progress", "blocks", i, "totalBlocks", 3));
            return Map.of("event", "done", "key", key);
        }

        @Override
        public Map<String, Object> share(String path, int threads, Consumer<Map<String, Object>> progress) {
            return Map.of("event", "done", "key", "bafyshared", "path", path);
        }

        @Override public Map<String, Object> provide(String key) { return Map.of("key", key, "announced", 0); }

        @Override
        public Map<String, Object> mount(String key, boolean prefetch) {
            return Map.of("dir", "/var/lib/spore/mounts/" + key, "key", key, "prefetch", prefetch);
        }

        @Override public List<Map<String, Object>> mounts() { return List.of(); }

        @Override
        public Map<String, Object> unmount(String dir) {
            throw new ApiException(404, dir + " is not mounted by this daemon: see 'container mounts'");
        }

        @Override
        public byte[] getBlock(String cid, String peer) {
            byte[] b = blocks.get(cid);
            if (b == null) throw new ApiException(404, "block " + cid + " is not here");
            return b;
        }

        @Override
        public String putBlock(byte[] data) {
            String cid = "b" + data.length;
            blocks.put(cid, data);
            return cid;
        }
    }

    private ControlClient start() throws IOException {
        Path sock = dir.resolve("run/control.sock");
        server = ControlServer.start(new StubNode(), sock);
        return new ControlClient(sock);
    }

    @Test
    void socketIsOwnerOnly() throws Exception {
        start();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run/control.sock"))));
        try (var files = Files.list(dir.resolve("run"))) {
            assertEquals(1, files.count(), "no temporary socket left behind");
        }
    }

    @Test
    void jsonCallsStreamsAndBytes() throws Exception {
        ControlClient c = start();
        assertEquals("12D3KooWtest", c.get("/v1/status").path("peerId").asText());
        assertEquals("/var/lib/spore", c.get("/v1/config").path("data-dir").asText());

        List<JsonNode> events = new ArrayList<>();
        JsonNode last = c.stream("/v1/pull", Map.of("key", "bafykey"), events::add);
        assertEquals(4, events.size());
        assertEquals(3, events.get(2).path("blocks").asInt());
        assertEquals("done", last.path("event").asText());

        byte[] data = new byte[2 * 1024 * 1024];
        data[7] = 7;
        String cid = c.postBytes("/v1/blocks", data).path("cid").asText();
        assertArrayEquals(data, c.getBytes("/v1/blocks/" + cid));
    }

    @Test
    void errorsArriveAsOneLineMessages() throws Exception {
        ControlClient c = start();
        UserException e = assertThrows(UserException.class, () -> c.stream("/v1/pull", Map.of("key", "bad"), ev -> {}));
        assertEquals("not a key: bad (give a bafy... CID)", e.getMessage());
        e = assertThrows(UserException.class, () -> c.getBytes("/v1/blocks/nothing"));
        assertEquals("block nothing is not here", e.getMessage());
        e = assertThrows(UserException.class, () -> c.get("/v1/nope"));
        assertTrue(e.getMessage().startsWith("no such API call: GET /v1/nope"), e.getMessage());
        e = assertThrows(UserException.class, () -> c.post("/v1/provide", Map.of()));
        assertEquals("missing \"key\" in the request body", e.getMessage());
    }

    @Test
    void refusesASecondDaemonAndReplacesAStaleSocket() throws Exception {
        start();
        Path sock = dir.resolve("run/control.sock");
        IOException e = assertThrows(IOException.class, () -> ControlServer.start(new StubNode(), sock));
        assertTrue(e.getMessage().contains("already running"), e.getMessage());
        server.close();
        Files.writeString(sock, "stale"); // what a crashed daemon leaves: a path nobody listens on
        server = ControlServer.start(new StubNode(), sock);
        assertTrue(ControlClient.isRunning(sock));
    }

    @Test
    void clientSaysWhenNoDaemonRuns() {
        ControlClient c = new ControlClient(dir.resolve("none.sock"));
        UserException e = assertThrows(UserException.class, () -> c.get("/v1/status"));
        assertTrue(e.getMessage().startsWith("no daemon is running on " + dir.resolve("none.sock")), e.getMessage());
    }

    @Test
    void aStreamCutShortIsAnError() throws Exception {
        Path sock = dir.resolve("cut.sock");
        // A daemon that dies mid-stream: the client sees progress lines, then EOF without "done".
        try (var ss = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ss.bind(java.net.UnixDomainSocketAddress.of(sock));
            Thread t = Thread.ofVirtual().start(() -> {
                try (var ch = ss.accept()) {
                    // the whole request first: answering before the body arrived would break the client's write
                    StringBuilder req = new StringBuilder();
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
                    while (!req.toString().endsWith("}")) {
                        buf.clear();
                        if (ch.read(buf) < 0) break;
                        req.append(new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                    ch.write(java.nio.ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n\r\n"
                            + "{\"event\":\"progress\",\"blocks\":1}\n").getBytes()));
                } catch (IOException e) {
                    // the test fails on the client side if this does
                }
            });
            List<JsonNode> seen = new ArrayList<>();
            UserException e = assertThrows(UserException.class, () -> new ControlClient(sock).stream("/v1/pull", Map.of("key", "k"), seen::add));
            assertTrue(e.getMessage().startsWith("the daemon stopped before the operation finished"), e.getMessage());
            assertEquals(1, seen.size());
            t.join();
        } finally {
            Files.deleteIfExists(sock);
        }
    }
}
