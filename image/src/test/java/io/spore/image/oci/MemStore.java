package io.spore.image.oci;

import io.spore.image.Entry;
import io.spore.image.FileType;
import io.spore.image.Image;
import io.spore.image.ImageWriter;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An in-memory block store, and layers applied straight into an image held by it. */
final class MemStore implements BlockStore {
    final Map<Cid, byte[]> blocks = Collections.synchronizedMap(new LinkedHashMap<>());

    @Override public boolean has(Cid cid) { return blocks.containsKey(cid); }

    @Override public byte[] get(Cid cid) throws IOException {
        byte[] b = blocks.get(cid);
        if (b == null) throw new MissingBlockException(cid);
        return b;
    }

    @Override public void put(Cid cid, byte[] data) { blocks.put(cid, data); }

    @Override public long size(Cid cid) { byte[] b = blocks.get(cid); return b == null ? -1 : b.length; }

    @Override public void delete(Cid cid) { blocks.remove(cid); }

    @Override public void forEach(java.util.function.Consumer<Cid> each) { List.copyOf(blocks.keySet()).forEach(each); }

    @Override public void close() {}

    /** Applies the tars in order as layers 0, 1, ... and writes the result. */
    Image layers(byte[]... tars) throws IOException {
        LayerTree tree = new LayerTree();
        try (Spool spool = new Spool(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (int i = 0; i < tars.length; i++) {
                tree.apply(new TarReader(new ByteArrayInputStream(tars[i]), "layer " + (i + 1)), i, spool, "layer " + (i + 1));
            }
            try (ImageWriter w = new ImageWriter(this, 1)) {
                tree.write(w, spool);
                return Image.open(this, w.finish());
            }
        }
    }

    /** path -> "type mode [content|target|hardlink]" for each entry but the root. */
    Map<String, String> describe(Image img) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; i < img.size(); i++) {
            Entry e = img.entry(i);
            String d = e.type() + " " + Integer.toOctalString(e.mode());
            if (e.isHardLink()) d += " =" + new String(e.hardLinkTarget(), StandardCharsets.UTF_8);
            else if (e.type() == FileType.REGULAR) {
                byte[] b = new byte[(int) e.size()];
                int n = 0;
                while (n < b.length) n += img.read(i, n, b, n, b.length - n, this);
                d += " " + new String(b, StandardCharsets.UTF_8);
            } else if (e.type() == FileType.SYMLINK) d += " ->" + new String(e.linkTarget(), StandardCharsets.UTF_8);
            out.put(new String(e.path(), StandardCharsets.UTF_8), d);
        }
        return out;
    }
}
