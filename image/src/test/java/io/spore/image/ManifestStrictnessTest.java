package io.spore.image;

import io.spore.image.cbor.CborException;
import io.spore.image.cbor.CborWriter;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-made manifests that break one rule each of FORMAT.md section 4 must be refused, naming the rule. */
class ManifestStrictnessTest {
    final TestTrees.MemoryStore store = new TestTrees.MemoryStore();

    /** An image whose entry page holds {@code entries} (each written by a consumer), with no content. */
    Cid image(long entryCount, long contentBytes, List<Consumer<CborWriter>> entries) throws IOException {
        CborWriter page = new CborWriter().arrayHeader(entries.size());
        for (Consumer<CborWriter> e : entries) e.accept(page);
        Cid p = store.put(Cid.DAG_CBOR, page.toByteArray());
        return store.put(Cid.DAG_CBOR, Manifest.rootBlock(new Manifest.Root(List.of(p), List.of(), entryCount, 0, contentBytes, null)));
    }

    static Consumer<CborWriter> root() { return w -> w.mapHeader(1).text("k").uint(1); }

    static Consumer<CborWriter> dir(int depth, String name) {
        return w -> w.mapHeader(3).text("d").uint(depth).text("k").uint(1).text("n").bytes(TestTrees.b(name));
    }

    static Consumer<CborWriter> file(int depth, String name) {
        return w -> w.mapHeader(2).text("d").uint(depth).text("n").bytes(TestTrees.b(name));
    }

    void refused(String why, Cid root) {
        IOException e = assertThrows(IOException.class, () -> Image.open(store, root));
        assertTrue(e instanceof CborException, e.toString());
        assertTrue(e.getMessage().contains(why), "'" + e.getMessage() + "' should name '" + why + "'");
    }

    @Test void aValidHandMadeImageOpens() throws IOException {
        Image img = Image.open(store, image(4, 0, List.of(root(), dir(1, "a"), file(2, "x"), file(1, "b"))));
        assertEquals(4, img.size());
        assertEquals(3, img.find(TestTrees.b("b")));
        assertEquals(2, img.find(TestTrees.b("a/x")));
    }

    @Test void treeRules() throws IOException {
        refused("first entry is not the root", image(1, 0, List.of(w -> w.mapHeader(0))));
        refused("depth 2 but only 1 directories are open", image(2, 0, List.of(root(), file(2, "x"))));
        refused("depth 2 but only 1 directories are open", image(3, 0, List.of(root(), file(1, "a"), file(2, "x"))));
        refused("out of name order", image(3, 0, List.of(root(), file(1, "b"), file(1, "a"))));
        refused("out of name order", image(3, 0, List.of(root(), file(1, "a"), file(1, "a"))));
        refused("entryCount 5 but 2 entries", image(5, 0, List.of(root(), file(1, "a"))));
        refused("more entries than entryCount", image(1, 0, List.of(root(), file(1, "a"))));
        refused("contentBytes 7 but files hold 0", image(2, 7, List.of(root(), file(1, "a"))));
    }

    @Test void entryRules() throws IOException {
        refused("an entry named . or ..", image(2, 0, List.of(root(), file(1, ".."))));
        refused("a name holding '/' or NUL", image(2, 0, List.of(root(), file(1, "a/b"))));
        refused("without a name", image(2, 0, List.of(root(), w -> w.mapHeader(1).text("d").uint(1))));
        refused("written with its default 0", image(2, 0, List.of(root(), w -> w.mapHeader(3).text("d").uint(1).text("m").uint(0).text("n").bytes(TestTrees.b("a")))));
        refused("kind 0 written out", image(2, 0, List.of(root(), w -> w.mapHeader(3).text("d").uint(1).text("k").uint(0).text("n").bytes(TestTrees.b("a")))));
        refused("mode out of range", image(2, 0, List.of(root(), w -> w.mapHeader(3).text("d").uint(1).text("m").uint(010000).text("n").bytes(TestTrees.b("a")))));
        refused("a symlink without a target", image(2, 0, List.of(root(), w -> w.mapHeader(3).text("d").uint(1).text("k").uint(2).text("n").bytes(TestTrees.b("a")))));
        refused("a device number on a DIRECTORY", image(2, 0, List.of(root(), w -> w.mapHeader(4).text("d").uint(1).text("k").uint(1).text("n").bytes(TestTrees.b("a")).text("r").uint(5))));
        refused("a size on a FIFO", image(2, 0, List.of(root(), w -> w.mapHeader(4).text("d").uint(1).text("k").uint(5).text("n").bytes(TestTrees.b("a")).text("z").uint(5))));
        refused("unknown entry field 'q'", image(2, 0, List.of(root(), w -> w.mapHeader(3).text("d").uint(1).text("n").bytes(TestTrees.b("a")).text("q").uint(1))));
    }

    @Test void hardLinkRules() throws IOException {
        Consumer<CborWriter> forward = w -> w.mapHeader(3).text("d").uint(1).text("h").uint(2).text("n").bytes(TestTrees.b("a"));
        refused("not an earlier non-directory", image(3, 0, List.of(root(), forward, file(1, "b"))));
        Consumer<CborWriter> toDir = w -> w.mapHeader(3).text("d").uint(1).text("h").uint(1).text("n").bytes(TestTrees.b("b"));
        refused("not an earlier non-directory", image(3, 0, List.of(root(), dir(1, "a"), toDir)));
        Consumer<CborWriter> extra = w -> w.mapHeader(4).text("d").uint(1).text("h").uint(1).text("m").uint(1).text("n").bytes(TestTrees.b("b"));
        refused("fields besides d, h and n", image(3, 0, List.of(root(), file(1, "a"), extra)));
    }

    @Test void rootRules() throws IOException {
        Cid page = store.put(Cid.DAG_CBOR, new CborWriter().arrayHeader(1).append(new CborWriter().mapHeader(1).text("k").uint(1)).toByteArray());
        CborWriter r = new CborWriter().mapHeader(8).text("chunks").arrayHeader(0).text("format").text("spore-image")
                .text("entries").arrayHeader(1).link(page).text("version").uint(1).text("chunkCount").uint(0)
                .text("entryCount").uint(1).text("contentBytes").uint(0).text("zzzzzzzzzzzzzzzzz").uint(1);
        refused("unknown root field", store.put(Cid.DAG_CBOR, r.toByteArray()));
        byte[] v2 = Manifest.rootBlock(new Manifest.Root(List.of(page), List.of(), 1, 0, 0, null));
        v2[v2.length - 1 - "contentBytes".length() - 1 - 1 - "entryCount".length() - 1 - 1 - "chunkCount".length() - 1 - 1] = 2;
        IOException e = assertThrows(IOException.class, () -> Image.open(store, store.put(Cid.DAG_CBOR, v2)));
        assertEquals("image format version 2 is not supported by this Spore (it reads version 1): upgrade Spore", e.getMessage());
        Cid rawPage = store.put(Cid.RAW, new byte[]{1});
        refused("not a sha2-256 CIDv1 of codec 0x71",
                store.put(Cid.DAG_CBOR, Manifest.rootBlock(new Manifest.Root(List.of(rawPage), List.of(), 1, 0, 0, null))));
    }
}
