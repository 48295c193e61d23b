package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Helia node from npm (tests/interop/js/helia-bitswap-peer.mjs) in a child process, driven by
 * JSON lines. The script runs from a private directory whose node_modules links to the cached
 * install ($SPORE_TEST_CACHE/npm-peers/current, made by tests/setup/10-npm-peers.sh).
 */
final class HeliaPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Process process;
    private final BufferedReader in;
    private final OutputStream out;
    final String peerId;
    final String address;

    static Path npmPeers() {
        String c = System.getenv("SPORE_TEST_CACHE");
        return Path.of(c == null || c.isEmpty() ? "/var/cache/spore-tests" : c, "npm-peers", "current");
    }

    static void require() {
        Cli.require(Files.isDirectory(npmPeers().resolve("node_modules/helia")) && Cli.onPath("node"),
                npmPeers() + " has no Helia: run tests/setup/10-npm-peers.sh (tests/run does)");
    }

    HeliaPeer(Path work) throws Exception {
        dir = Files.createDirectories(work.resolve("helia-" + System.nanoTime()));
        Files.createSymbolicLink(dir.resolve("node_modules"), npmPeers().resolve("node_modules"));
        Path js = Path.of(System.getProperty("spore.root", "."), "tests/interop/js");
        for (String f : new String[]{"with-resolvers.mjs", "helia-bitswap-peer.mjs"}) Files.copy(js.resolve(f), dir.resolve(f));
        Files.writeString(dir.resolve("package.json"), "{\"type\":\"module\"}\n");
        process = new ProcessBuilder("node", "--import", "./with-resolvers.mjs", "helia-bitswap-peer.mjs")
                .directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        out = process.getOutputStream();
        JsonNode hello = read(60);
        peerId = hello.path("peerId").asText();
        address = hello.path("addresses").get(0).asText();
    }

    private JsonNode read(int seconds) throws Exception {
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return in.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(seconds, TimeUnit.SECONDS);
        if (line == null) throw new IOException("the Helia peer exited: " + Files.readString(dir.resolve("stderr.txt")));
        return JSON.readTree(line);
    }

    JsonNode call(Map<String, Object> cmd, int seconds) throws Exception {
        out.write((JSON.writeValueAsString(cmd) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        JsonNode r = read(seconds);
        if (r.has("error")) throw new AssertionError("Helia: " + r.path("error").asText());
        return r;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        Cli.delete(dir);
    }
}
