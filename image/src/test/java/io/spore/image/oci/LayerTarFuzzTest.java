package io.spore.image.oci;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.util.Map;

import static io.spore.image.oci.TarMaker.pax;

/**
 * Hostile layers: a valid two-layer image (PAX records, long names, links, whiteouts, an opaque
 * directory, symlinked parents) edited as the fuzzer says, or the fuzzer's bytes as they come,
 * applied and written as an image. It may only fail with an IOException naming the problem;
 * anything else (a runtime exception from the parser or the image writer) is a bug.
 * Run for real with {@code tests/fuzz/run --only LayerTar} (JAZZER_FUZZ=1).
 */
class LayerTarFuzzTest {
    private static byte[] lower, upper;

    private static synchronized void base() {
        if (lower != null) return;
        lower = new TarMaker().dir("etc").file("etc/passwd", "root:x:0:0").symlink("abs", "/etc").hardlink("etc/h", "etc/passwd")
                .entry("d/f", '0', 04755, "data".getBytes(), "", pax("mtime", "1700000000.5", "SCHILY.xattr.user.a", "b"))
                .entry("cdev".getBytes(), '3', 0600, new byte[0], "", Map.of(), 1, 3)
                .bytes();
        upper = new TarMaker().file("abs/new", "n").file("d/.wh..wh..opq", "").file(".wh.cdev", "")
                .entry("x", '0', 0644, new byte[0], "", pax("path", "long/" + "n".repeat(120), "linkpath", "t"))
                .bytes();
    }

    @FuzzTest(maxDuration = "10s")
    void applyHostileLayers(FuzzedDataProvider data) throws Exception {
        base();
        byte[] a = lower.clone(), b = upper.clone();
        if (data.consumeBoolean()) {
            int edits = data.consumeInt(0, 12);
            for (int i = 0; i < edits; i++) {
                byte[] t = data.consumeBoolean() ? a : b;
                t[data.consumeInt(0, t.length - 1)] = data.consumeByte();
            }
            if (data.consumeBoolean()) b = java.util.Arrays.copyOf(b, data.consumeInt(0, b.length));
        } else {
            a = data.consumeBytes(data.consumeInt(0, 8192));
            b = data.consumeRemainingAsBytes();
        }
        MemStore store = new MemStore();
        try {
            store.describe(store.layers(a, b));
        } catch (IOException expected) {
            // refused with a message: what a hostile layer should get
        }
    }
}
