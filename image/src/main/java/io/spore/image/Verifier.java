package io.spore.image;

import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.CorruptBlockException;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Re-hashes every block reachable from an image key and reports the missing and corrupt ones
 * ({@code container verify}). Keeps going past bad blocks so one run lists all of them; a
 * manifest page that is missing or corrupt hides the chunks it lists, which the report says.
 */
public final class Verifier {
    private Verifier() {}

    /**
     * @param blocks    blocks checked: the ok ones, the missing and the corrupt
     * @param missing   blocks the source does not hold
     * @param corrupt   blocks whose bytes do not match their CID (a store removes such copies)
     * @param problems  other defects, one line each: a malformed manifest, a chunk whose size or
     *                  content disagrees with the manifest, pages that could not be read
     */
    public record Report(Cid root, long blocks, List<Cid> missing, List<Cid> corrupt, List<String> problems) {
        public boolean ok() { return missing.isEmpty() && corrupt.isEmpty() && problems.isEmpty(); }
    }

    public static Report verify(BlockSource source, Cid root) {
        List<Cid> missing = new ArrayList<>(), corrupt = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long[] count = {0};
        Manifest.Root r;
        try {
            byte[] b = get(source, root, missing, corrupt, problems, count);
            if (b == null) return done(root, count, missing, corrupt, problems);
            r = Manifest.decodeRoot(root, b);
        } catch (IOException e) {
            problems.add(e.getMessage());
            return done(root, count, missing, corrupt, problems);
        }
        long entries = 0;
        for (Cid page : r.entryPages()) {
            byte[] b = get(source, page, missing, corrupt, problems, count);
            if (b == null) continue;
            try {
                entries += Manifest.decodeEntryPage(page, b).size();
            } catch (IOException e) {
                problems.add("entry page " + page + ": " + e.getMessage());
            }
        }
        Set<Cid> seen = new HashSet<>();
        boolean chunkPagesComplete = true;
        for (Cid page : r.chunkPages()) {
            byte[] b = get(source, page, missing, corrupt, problems, count);
            List<Manifest.ChunkRec> recs;
            try {
                recs = b == null ? null : Manifest.decodeChunkPage(page, b);
            } catch (IOException e) {
                problems.add("chunk page " + page + ": " + e.getMessage());
                recs = null;
            }
            if (recs == null) {
                chunkPagesComplete = false;
                continue;
            }
            for (Manifest.ChunkRec c : recs) {
                if (!seen.add(c.cid())) continue;
                byte[] block = get(source, c.cid(), missing, corrupt, problems, count);
                if (block == null) continue;
                if (block.length != c.stored()) {
                    problems.add("chunk " + c.cid() + " is " + block.length + " bytes, the manifest says " + c.stored());
                    continue;
                }
                try {
                    ChunkCodec.decompress(block, c.length());
                } catch (IOException e) {
                    problems.add("chunk " + c.cid() + ": " + e.getMessage());
                }
            }
        }
        if (!chunkPagesComplete) problems.add("some chunk pages could not be read, so the chunks they list were not checked");
        if (missing.isEmpty() && corrupt.isEmpty() && problems.isEmpty()) {
            try {
                Image.open(source, root);  // the cross-page rules (order, counts, sums)
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        return done(root, count, missing, corrupt, problems);
    }

    private static Report done(Cid root, long[] count, List<Cid> missing, List<Cid> corrupt, List<String> problems) {
        return new Report(root, count[0], List.copyOf(missing), List.copyOf(corrupt), List.copyOf(problems));
    }

    private static byte[] get(BlockSource s, Cid cid, List<Cid> missing, List<Cid> corrupt, List<String> problems, long[] count) {
        count[0]++;
        try {
            byte[] b = s.get(cid);
            if (!cid.matches(b)) {
                corrupt.add(cid);
                return null;
            }
            return b;
        } catch (MissingBlockException e) {
            missing.add(cid);
        } catch (CorruptBlockException e) {
            corrupt.add(cid);
        } catch (IOException | RuntimeException e) {
            problems.add("block " + cid + ": " + e.getMessage());
        }
        return null;
    }
}
