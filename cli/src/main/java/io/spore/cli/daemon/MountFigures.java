package io.spore.cli.daemon;

import io.spore.fuse.MountStats;

import java.util.LinkedHashMap;
import java.util.Map;

/** A mount's figures as JSON fields: one spelling for the control API and 'container mounts'. */
public final class MountFigures {
    private MountFigures() {}

    public static Map<String, Object> of(MountStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", s.dir().toString());
        m.put("key", s.image());
        m.put("bytesFetched", s.bytesFetched());
        m.put("chunksFetched", s.chunksFetched());
        m.put("chunksLocal", s.chunksLocal());
        m.put("chunksTotal", s.chunksTotal());
        m.put("bytesLocal", s.bytesLocal());
        m.put("imageBytes", s.imageBytes());
        m.put("cacheHits", s.cacheHits());
        m.put("urgentFetches", s.urgentFetches());
        m.put("urgentP50Micros", s.urgentP50Micros());
        m.put("urgentP99Micros", s.urgentP99Micros());
        m.put("reads", s.reads());
        m.put("bytesRead", s.bytesRead());
        m.put("readErrors", s.readErrors());
        m.put("prefetch", s.prefetch());
        m.put("profileChunks", s.profileChunks());
        return m;
    }
}
