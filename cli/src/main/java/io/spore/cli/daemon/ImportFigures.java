package io.spore.cli.daemon;

import io.spore.image.ImageWriter;
import io.spore.p2p.multiformats.Cid;

import java.util.LinkedHashMap;
import java.util.Map;

/** What writing an image did, as JSON fields: one spelling for share (local or daemon) and import. */
public final class ImportFigures {
    private ImportFigures() {}

    public static Map<String, Object> of(Cid root, ImageWriter.Stats s, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", root.toString());
        m.put("entries", s.entries());
        m.put("contentBytes", s.contentBytes());
        m.put("chunks", s.chunks());
        m.put("newBlocks", s.newBlocks());
        m.put("storedBytes", s.storedBytes());
        m.put("seconds", seconds);
        return m;
    }
}
