package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;
import io.spore.image.Chunk;
import io.spore.image.Image;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A name resolved by the daemon's FUSE mount (what {@code container boot k51...} does), and gc
 * around a real mount: blocks of a mounted image stay while it is mounted, even unpinned, and go
 * once it is unmounted and unpinned.
 */
class NamedMountGcTest {
    private Path base;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Cli.require(Cli.isRoot() && Files.exists(Path.of("/dev/fuse")), "needs root and /dev/fuse (the daemon mounts with FUSE)");
        base = Files.createTempDirectory(Path.of("/tmp"), "spm");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (DaemonProcess d : daemons.reversed()) {
            try {
                d.close();
            } catch (Exception e) {
                // go on cleaning the others
            }
        }
        if (base != null) Cli.delete(base);
    }

    private DaemonProcess daemon(String name, List<String> bootstrap) throws Exception {
        DaemonProcess d = DaemonProcess.start(base, name, bootstrap);
        daemons.add(d);
        return d;
    }

    static Set<String> storedBlocks(DaemonProcess d) throws Exception {
        try (Stream<Path> s = Files.walk(d.dataDir.resolve("blocks"))) {
            return new HashSet<>(s.filter(p -> Files.isRegularFile(p) && !p.toString().contains("/.tmp/"))
                    .map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void mountByNameThenGcKeepsTheMountedImageUntilItIsUnmounted() throws Exception {
        Path src = DaemonProofTest.tree(base.resolve("src"), 3);
        DaemonProcess a = daemon("a", List.of());
        DaemonProcess b = daemon("b", List.of(a.address()));
        String key = NamesCommandsTest.ok(a, "share", src.toString());
        NamesCommandsTest.ok(a, "name", "create", "os");
        String name = NamesCommandsTest.ok(a, "publish", "os", key);

        ControlClient cb = new ControlClient(b.socket);
        JsonNode m = cb.post("/v1/mounts", Map.of("key", name, "prefetch", false));
        assertEquals(key, m.path("key").asText(), "the daemon mounted the image the name points at");
        Path dir = Path.of(m.path("dir").asText());
        assertEquals(b.dataDir.resolve("mounts").resolve(key), dir);
        assertArrayEquals(Files.readAllBytes(src.resolve("usr/lib/big1.so")), Files.readAllBytes(dir.resolve("usr/lib/big1.so")));

        // something unrelated and unpinned on B, for gc to remove
        String junk = NamesCommandsTest.ok(b, "share", DaemonProofTest.tree(base.resolve("junk"), 1).toString());
        NamesCommandsTest.ok(b, "pin", "rm", junk);
        NamesCommandsTest.ok(b, "pin", "rm", key); // the mount pinned it; a running machine must be safe anyway

        Set<String> mounted = new HashSet<>();
        try (FileBlockStore store = FileBlockStore.open(b.dataDir)) {
            Image image = Image.open(store, Cid.parse(key));
            for (Cid c : image.manifestBlocks()) mounted.add(c.toString());
            for (Chunk c : image.chunks()) mounted.add(c.cid().toString());
        }
        Set<String> before = storedBlocks(b);
        Set<String> mountedHere = new HashSet<>(before);
        mountedHere.retainAll(mounted);
        assertFalse(mountedHere.isEmpty());
        JsonNode gc = cb.post("/v1/gc", Map.of());
        assertTrue(gc.path("removedBlocks").asLong() > 0, gc.toString());
        assertTrue(storedBlocks(b).containsAll(mountedHere), "gc kept every stored block of the mounted image");
        assertArrayEquals(Files.readAllBytes(src.resolve("usr/lib/big0.so")), Files.readAllBytes(dir.resolve("usr/lib/big0.so")));

        cb.post("/v1/unmount", Map.of("dir", dir.toString()));
        JsonNode after = cb.post("/v1/gc", Map.of());
        Set<String> left = storedBlocks(b);
        left.retainAll(mounted);
        assertEquals(Set.of(), left, "unmounted and unpinned, the image is collected: " + after);
    }
}
