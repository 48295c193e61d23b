package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.image.Chunk;
import io.spore.image.Image;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A Helia 7 node from npm walks and pins a Spore image's whole DAG from its root, fetching every
 * block from a Spore daemon over Bitswap: the DAG-CBOR manifest links are enough for any IPFS
 * node to keep an image.
 */
class HeliaPinTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Daemons daemons;
    private Path base;
    private DaemonProcess spore;

    @BeforeEach
    void setUp() throws Exception {
        HeliaPeer.require();
        daemons = new Daemons("spk");
        base = daemons.base();
        spore = daemons.start("a", List.of());
    }

    @AfterEach
    void tearDown() {
        if (daemons != null) daemons.close();
    }

    @Test
    void heliaPinsAWholeImageFromItsRoot() throws Exception {
        Path src = DaemonProofTest.tree(base.resolve("src"), 6);
        Cli.Result share = Cli.run("--socket", spore.socket.toString(), "share", src.toString());
        assertEquals(0, share.code(), share.err());
        Cid root = Cid.parse(share.out().strip());

        Set<String> expected = new TreeSet<>();
        long expectedBytes = 0;
        try (FileBlockStore store = FileBlockStore.open(spore.dataDir)) {
            Image image = Image.open(store, root);
            for (Cid c : image.manifestBlocks()) expected.add(c.toString());
            for (Chunk c : image.chunks()) expected.add(c.cid().toString());
            for (String c : expected) expectedBytes += store.size(Cid.parse(c));
        }

        Path dir = Files.createDirectories(base.resolve("helia"));
        Files.createSymbolicLink(dir.resolve("node_modules"), HeliaPeer.npmPeers().resolve("node_modules"));
        Path js = Path.of(System.getProperty("spore.root", "."), "tests/interop/js");
        for (String f : new String[]{"with-resolvers.mjs", "helia-pin-peer.mjs"}) Files.copy(js.resolve(f), dir.resolve(f));
        Files.writeString(dir.resolve("package.json"), "{\"type\":\"module\"}\n");
        Process p = new ProcessBuilder("node", "--import", "./with-resolvers.mjs", "helia-pin-peer.mjs", spore.address(), root.toString())
                .directory(dir.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        JsonNode r;
        try {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "Helia finished pinning");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            r = JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertFalse(r.has("error"), r + " " + Files.readString(dir.resolve("stderr.txt")));
        assertTrue(r.path("pinned").asBoolean(), r.toString());
        List<String> got = new ArrayList<>();
        r.path("blocks").forEach(b -> got.add(b.asText()));
        assertEquals(expected, new TreeSet<>(got), "Helia's walk reached every manifest block and every chunk");
        assertEquals(expectedBytes, r.path("bytes").asLong());
        System.out.printf("Helia pinned %s: %d blocks, %d bytes in %d ms (from a Spore daemon over Bitswap)%n",
                root, got.size(), r.path("bytes").asLong(), r.path("ms").asLong());
    }
}
