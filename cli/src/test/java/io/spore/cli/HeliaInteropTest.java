package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Bitswap 1.2.0 against Helia 7 (@helia/bitswap 4) from npm, both ways, through the daemon. */
class HeliaInteropTest {
    private Daemons daemons;
    private Path base;
    private DaemonProcess spore;

    @BeforeEach
    void setUp() throws Exception {
        HeliaPeer.require();
        daemons = new Daemons("sph");
        base = daemons.base();
        spore = daemons.start("a", List.of());
    }

    @AfterEach
    void tearDown() {
        if (daemons != null) daemons.close();
    }

    @Test
    void heliaFetchesBlocksFromASporeDaemon() throws Exception {
        // 500 B: Spore answers Helia's want-have with the block itself; 1 MiB: the largest Spore block
        int[] sizes = {500, 4000, 100_000, 262_144, 1 << 20};
        List<String> cids = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        Random r = new Random(7);
        for (int size : sizes) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            Path f = base.resolve("block" + size);
            Files.write(f, b);
            Cli.Result put = Cli.run("--socket", spore.socket.toString(), "block", "put", f.toString());
            assertEquals(0, put.code(), put.err());
            cids.add(put.out().strip());
            assertEquals(Cid.raw(b).toString(), put.out().strip());
            hashes.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
        }
        try (HeliaPeer helia = new HeliaPeer(base)) {
            helia.call(Map.of("op", "dial", "addr", spore.address()), 30);
            JsonNode got = helia.call(Map.of("op", "get", "cids", cids, "parallel", 8), 60);
            List<String> theirs = new ArrayList<>();
            got.path("sha256").forEach(h -> theirs.add(h.asText()));
            assertEquals(hashes, theirs);
        }
        assertEquals(sizes.length, spore.status().path("blocksServed").asLong());
    }

    @Test
    void sporeFetchesBlocksOnlyHeliaHas() throws Exception {
        try (HeliaPeer helia = new HeliaPeer(base)) {
            JsonNode made = helia.call(Map.of("op", "random", "count", 4, "size", 300_000, "seed", 5), 30);
            List<String> cids = new ArrayList<>();
            made.path("cids").forEach(c -> cids.add(c.asText()));
            byte[] small = "a small block that fits in a want-have answer".getBytes();
            cids.add(helia.call(Map.of("op", "put", "data", java.util.Base64.getEncoder().encodeToString(small)), 30).path("cid").asText());
            for (String cid : cids) {
                Path out = base.resolve("got-" + cid);
                Cli.Result r = Cli.run("--socket", spore.socket.toString(), "block", "get", cid, "--peer", helia.address, "-o", out.toString());
                assertEquals(0, r.code(), r.err() + "\n" + spore.logText());
                assertEquals(Cid.parse(cid), Cid.raw(Files.readAllBytes(out)), "the block matches its CID");
            }
            assertArrayEquals(small, Files.readAllBytes(base.resolve("got-" + cids.get(4))));
        }
        assertEquals(5, spore.status().path("blocksFetched").asLong());
    }
}
