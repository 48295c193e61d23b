package io.spore.image.oci;

import io.spore.image.Entry;
import io.spore.image.FileType;
import io.spore.image.Image;
import io.spore.image.posix.Posix;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.spore.image.oci.TarMaker.pax;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layer rules on hand-made tars: whiteouts, opaque directories, replacement, hard links, containment, PAX. */
class LayerTreeTest {
    private final MemStore store = new MemStore();

    private Map<String, String> apply(TarMaker... layers) throws IOException {
        byte[][] tars = new byte[layers.length][];
        for (int i = 0; i < layers.length; i++) tars[i] = layers[i].bytes();
        return store.describe(store.layers(tars));
    }

    @Test void whiteoutsHideOnlyLowerLayers() throws Exception {
        Map<String, String> t = apply(
                new TarMaker().file("a", "A").dir("d").file("d/x", "X").file("d/y", "Y"),
                new TarMaker().entry(".wh.a", '0', 0, new byte[0], "", Map.of()).file("d/.wh.x", "").file("d/z", "Z")
                        .file("b", "B").file(".wh.b", "").file(".wh..wh.plnk", "").file("nodir/.wh.q", ""));
        assertEquals(List.of("b", "d", "d/y", "d/z"), List.copyOf(t.keySet()), t.toString());
        assertEquals("REGULAR 644 B", t.get("b"), "a whiteout does not hide what its own layer made");
    }

    @Test void opaqueDirectoryShowsOnlyItsOwnLayerAtEveryDepth() throws Exception {
        TarMaker lower = new TarMaker().file("d/x", "X").file("d/sub/y", "Y").file("e/keep", "K");
        Map<String, String> after = apply(lower,
                new TarMaker().dir("d").dir("d/sub").file("d/sub/new", "N").file("d/.wh..wh..opq", ""));
        assertEquals(List.of("d", "d/sub", "d/sub/new", "e", "e/keep"), List.copyOf(after.keySet()));
        Map<String, String> before = apply(new TarMaker().file("d/x", "X").file("d/sub/y", "Y").file("e/keep", "K"),
                new TarMaker().file("d/.wh..wh..opq", "").file("d/sub/new", "N"));
        assertEquals(List.of("d", "d/sub", "d/sub/new", "e", "e/keep"), List.copyOf(before.keySet()), "marker first, entries after");
        assertEquals(List.of("fresh"), List.copyOf(apply(new TarMaker().file("fresh/.wh..wh..opq", "")).keySet()),
                "an opaque marker's directory exists in its layer");
    }

    @Test void entriesReplaceWhatWasThere() throws Exception {
        Map<String, String> t = apply(new TarMaker().file("d/x", "X").file("f", "F").symlink("s", "f"),
                new TarMaker().file("d", "now a file").dir("f").file("s", "S"),
                new TarMaker().entry("d", '5', 0700, new byte[0], "", Map.of()));
        assertEquals(List.of("d", "f", "s"), List.copyOf(t.keySet()));
        assertEquals("DIRECTORY 700", t.get("d"), "a directory over a file holds nothing of the file's past");
        assertEquals("DIRECTORY 755", t.get("f"));
        assertEquals("REGULAR 644 S", t.get("s"));
    }

    @Test void hardLinksShareAnInodeAcrossLayersUntilReplaced() throws Exception {
        Map<String, String> t = apply(new TarMaker().file("f", "old").hardlink("h", "f"),
                new TarMaker().hardlink("g", "./f"),
                new TarMaker().file("f", "new"));
        assertEquals("REGULAR 644 new", t.get("f"));
        assertEquals("REGULAR 644 old", t.get("g"), "g is the first path of the old inode in image order");
        assertEquals("REGULAR 644 =g", t.get("h"));
        IOException e = assertThrows(IOException.class, () -> apply(new TarMaker().hardlink("h", "missing")));
        assertTrue(e.getMessage().contains("which is not an earlier file of the image"), e.getMessage());
    }

    @Test void symlinkedParentsResolveInsideTheTree() throws Exception {
        Map<String, String> t = apply(new TarMaker().file("etc/passwd", "inside").symlink("abs", "/etc").symlink("up", "../../..")
                        .symlink("loop", "loop"),
                new TarMaker().file("abs/passwd", "changed").file("up/escaped", "E").file("up/etc/x", "X"));
        assertEquals("REGULAR 644 changed", t.get("etc/passwd"), "an absolute symlink starts at the image root");
        assertEquals("REGULAR 644 E", t.get("escaped"), "'..' stops at the image root");
        assertEquals("REGULAR 644 X", t.get("etc/x"));
        IOException loop = assertThrows(IOException.class, () -> apply(new TarMaker().symlink("loop", "loop").file("loop/x", "")));
        assertTrue(loop.getMessage().contains("more than 40 symlinks"), loop.getMessage());
    }

    @Test void dotDotNamesAreRefused() {
        for (TarMaker bad : List.of(new TarMaker().file("../evil", "x"), new TarMaker().file("a/../../evil", "x"),
                new TarMaker().file("f", "x").hardlink("h", "../f"))) {
            IOException e = assertThrows(IOException.class, () -> apply(bad));
            assertTrue(e.getMessage().contains("climbs out with '..': refusing a hostile or damaged archive"), e.getMessage());
        }
    }

    @Test void paxKeepsNanosecondsXattrsNamesAndDevices() throws Exception {
        byte[] v = {0, (byte) 0xff, 1};
        Image img = store.layers(new TarMaker()
                .entry("f", '0', 04755, "x".getBytes(), "", pax("mtime", "1700000000.123456789", "SCHILY.xattr.user.k", "v",
                        "LIBARCHIVE.xattr.user.b", java.util.Base64.getEncoder().encodeToString(v), "uid", "4000000000", "gid", "7"))
                .entry("old", '0', 0644, new byte[0], "", pax("mtime", "-1000000.25"))
                .entry("bad\u00ffname", '0', 0644, new byte[0], "", pax("path", "bad\u00ffname"))
                .entry("cdev".getBytes(), '3', 0600, new byte[0], "", Map.of(), 300, 70000)
                .entry("fifo", '6', 0620, new byte[0], "", Map.of())
                .entry("x".repeat(100), '0', 0644, new byte[0], "", pax("path", "long/" + "n".repeat(200)))
                .bytes());
        Entry f = img.entry(img.find("f".getBytes()));
        assertEquals(1700000000123456789L, f.mtimeNanos());
        assertEquals(04755, f.mode());
        assertEquals(4000000000L, Integer.toUnsignedLong(f.uid()));
        assertEquals(7, f.gid());
        assertArrayEquals("v".getBytes(), f.xattrs().get("user.k"));
        assertArrayEquals(v, f.xattrs().get("user.b"));
        assertEquals(-1000000250000000L, img.entry(img.find("old".getBytes())).mtimeNanos());
        assertTrue(img.find(new byte[] {'b', 'a', 'd', (byte) 0xff, 'n', 'a', 'm', 'e'}) > 0, "names stay bytes");
        Entry c = img.entry(img.find("cdev".getBytes()));
        assertEquals(FileType.CHAR_DEVICE, c.type());
        assertEquals(Posix.makedev(300, 70000), c.rdev());
        assertEquals(FileType.FIFO, img.entry(img.find("fifo".getBytes())).type());
        assertTrue(img.find(("long/" + "n".repeat(200)).getBytes(StandardCharsets.UTF_8)) > 0, "PAX path beats the 100-byte field");
    }

    @Test void aLayerEndingRightAfterItsLastContentIsWhole() throws Exception {
        // as umoci 0.4 writes them: no padding after the last file, no end-of-archive blocks
        byte[] full = new TarMaker().dir("d").file("d/f", "0123456789").bytes();
        byte[] cut = java.util.Arrays.copyOf(full, 512 * 2 + 10);
        assertEquals(Map.of("d", "DIRECTORY 755", "d/f", "REGULAR 644 0123456789"), apply2(cut));
    }

    private Map<String, String> apply2(byte[] tar) throws IOException { return store.describe(store.layers(tar)); }

    @Test void base256NumbersAreReadAndBounded() throws Exception {
        byte[] tar = new TarMaker().file("f", "x").bytes();
        java.util.Arrays.fill(tar, 108, 116, (byte) 0);
        tar[108] = (byte) 0x80;
        tar[115] = (byte) 0x2a; // uid 42 in GNU base-256
        Image img = store.layers(rechecksum(tar));
        assertEquals(42, img.entry(img.find("f".getBytes())).uid());
        byte[] huge = new TarMaker().file("f", "x").bytes();
        java.util.Arrays.fill(huge, 136, 148, (byte) 0);
        huge[136] = (byte) 0x80;
        huge[142] = 0x01; // an mtime of 2^40 seconds: fits 64 bits, not in nanoseconds
        IOException e = assertThrows(IOException.class, () -> store.layers(rechecksum(huge)));
        assertTrue(e.getMessage().contains("holds an mtime out of range"), e.getMessage());
        huge[137] = 0x7f; // beyond 64 bits
        IOException wide = assertThrows(IOException.class, () -> store.layers(rechecksum(huge)));
        assertTrue(wide.getMessage().contains("holds a mtime beyond 64 bits"), wide.getMessage());
    }

    private static byte[] rechecksum(byte[] tar) {
        java.util.Arrays.fill(tar, 148, 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += tar[i] & 0xff;
        byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, tar, 148, 8);
        return tar;
    }

    @Test void damagedHeadersAreRefused() {
        byte[] tar = new TarMaker().file("f", "x").bytes();
        tar[10] ^= 1;
        IOException e = assertThrows(IOException.class, () -> store.layers(tar));
        assertTrue(e.getMessage().contains("is not a tar archive (a header checksum does not match)"), e.getMessage());
        byte[] cut = java.util.Arrays.copyOf(new TarMaker().file("f", "x".repeat(2000)).bytes(), 1024);
        IOException t = assertThrows(IOException.class, () -> store.layers(cut));
        assertTrue(t.getMessage().contains("ends in the middle of an entry"), t.getMessage());
    }
}
