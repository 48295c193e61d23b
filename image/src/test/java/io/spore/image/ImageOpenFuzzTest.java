package io.spore.image;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hostile manifests: starts from a valid image (every kind of entry, several chunks), edits one of
 * its manifest blocks as the fuzzer says, re-links the edited block from the root (so it passes the
 * hash check and reaches the parser), and opens it. Opening and reading may only fail with an
 * IOException; anything else (runtime exceptions, errors) is a bug.
 * Run for real with {@code tests/fuzz/run} (JAZZER_FUZZ=1).
 */
class ImageOpenFuzzTest {
    private static final Map<Cid, byte[]> BASE = new HashMap<>();
    private static Cid ROOT;

    /** Built on first use, not in a static initializer, so the fuzzer's agent sees the classes load. */
    private static synchronized void base() throws IOException {
        if (ROOT != null) return;
        TestTrees.MemoryStore s = new TestTrees.MemoryStore();
        ROOT = TestTrees.write(s, 1, TestTrees.everyKind().subList(0, 22));
        BASE.putAll(s.blocks);
    }

    @FuzzTest(maxDuration = "10s")
    void openHostileManifest(FuzzedDataProvider data) throws Exception {
        base();
        Map<Cid, byte[]> blocks = new HashMap<>(BASE);
        Manifest.Root r = Manifest.decodeRoot(ROOT, BASE.get(ROOT));
        int which = data.consumeInt(0, 2);
        List<Cid> pages = which == 1 ? r.entryPages() : r.chunkPages();
        byte[] target = which == 0 || pages.isEmpty() ? BASE.get(ROOT).clone() : BASE.get(pages.getFirst()).clone();
        int edits = data.consumeInt(0, 8);
        for (int i = 0; i < edits && target.length > 0; i++) target[data.consumeInt(0, target.length - 1)] = data.consumeByte();
        if (data.consumeBoolean()) target = java.util.Arrays.copyOf(target, data.consumeInt(0, target.length + 4));
        if (data.consumeBoolean()) target = data.consumeRemainingAsBytes();
        Cid edited = Cid.of(Cid.DAG_CBOR, target);
        blocks.put(edited, target);
        Cid root = edited;
        if (which != 0 && !pages.isEmpty()) {
            List<Cid> entries = which == 1 ? List.of(edited) : r.entryPages();
            List<Cid> chunks = which == 2 ? List.of(edited) : r.chunkPages();
            byte[] rb = Manifest.rootBlock(new Manifest.Root(entries, chunks, r.entryCount(), r.chunkCount(), r.contentBytes(), null));
            root = Cid.of(Cid.DAG_CBOR, rb);
            blocks.put(root, rb);
        }
        BlockSource src = c -> {
            byte[] b = blocks.get(c);
            if (b == null) throw new MissingBlockException(c);
            return b;
        };
        Image img;
        try {
            img = Image.open(src, root);
        } catch (IOException expected) {
            return;
        }
        byte[] buf = new byte[4096];
        for (int i = 0; i < img.size(); i++) {
            Entry e = img.entry(i);
            img.find(e.path());
            if (e.type() == FileType.DIRECTORY) img.children(i);
            if (e.type() == FileType.REGULAR) {
                img.chunksFor(i, 0, e.size());
                try {
                    img.read(i, Math.max(0, e.size() - 100), buf, 0, buf.length, src);
                } catch (IOException expected) {
                    // a chunk table that disagrees with its blocks
                }
            }
        }
        Verifier.verify(src, root);
    }
}
