package io.spore.cli;

import io.spore.image.Chunk;
import io.spore.image.Entry;
import io.spore.image.FileType;
import io.spore.image.Image;
import io.spore.image.posix.Names;
import io.spore.image.posix.Posix;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "inspect", header = "Show an image's sizes, counts and a listing.",
        description = "Without PATH the listing is the image's top directory; with PATH, that path (and its "
                + "children if it is a directory).")
final class InspectCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The image's key (bafy...).")
    String key;

    @Parameters(index = "1", paramLabel = "PATH", arity = "0..1",
            description = "A path inside the image; bytes that are not UTF-8 as \\xNN, as the listing shows them.")
    String path;

    @Override
    public Integer call() throws Exception {
        Cid cid = LocalImages.parseKey(key, dataDir());
        try (BlockStore store = LocalImages.openStore(dataDir(), false)) {
            Image image = LocalImages.openImage(store, cid, dataDir());
            Map<FileType, Integer> types = new EnumMap<>(FileType.class);
            int hardLinks = 0;
            for (int i = 0; i < image.size(); i++) {
                Entry e = image.entry(i);
                if (e.isHardLink()) hardLinks++;
                else types.merge(e.type(), 1, Integer::sum);
            }
            List<Chunk> chunks = image.chunks();
            // a chunk that occurs twice in the stream is stored once
            java.util.Set<Cid> unique = new java.util.HashSet<>();
            long chunkBytes = 0;
            for (Chunk c : chunks) if (unique.add(c.cid())) chunkBytes += c.storedLength();
            long manifestBytes = 0;
            for (Cid m : image.manifestBlocks()) manifestBytes += Math.max(0, store.size(m));
            long stored = chunkBytes + manifestBytes;

            byte[] p = path == null ? new byte[0] : Names.parse(strip(path));
            int at = image.find(p);
            if (at < 0) throw new UserException("'" + path + "' is not in image " + cid + ": list the image with 'container inspect " + cid + "'");
            List<Integer> listing = new ArrayList<>();
            if (path != null) listing.add(at);
            if (image.entry(image.inode(at)).type() == FileType.DIRECTORY && !image.entry(at).isHardLink()) {
                for (int c : image.children(at)) listing.add(c);
            }

            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", cid.toString());
                m.put("entries", image.size());
                Map<String, Integer> t = new LinkedHashMap<>();
                types.forEach((k, v) -> t.put(k.name().toLowerCase(), v));
                t.put("hardlink", hardLinks);
                m.put("types", t);
                m.put("contentBytes", image.contentBytes());
                m.put("chunks", chunks.size());
                m.put("distinctChunks", unique.size());
                m.put("chunkBytes", chunkBytes);
                m.put("manifestBlocks", image.manifestBlocks().size());
                m.put("manifestBytes", manifestBytes);
                m.put("storedBytes", stored);
                List<Map<String, Object>> l = new ArrayList<>();
                for (int i : listing) l.add(json(image.entry(i)));
                m.put("listing", l);
                out().println(Json.write(m));
                return ExitCode.OK;
            }
            var o = out();
            o.printf("key:        %s%n", cid);
            o.printf("entries:    %d (%s)%n", image.size(), counts(types, hardLinks));
            o.printf("content:    %d bytes (%s) in %d chunks (%d distinct)%n", image.contentBytes(),
                    LocalImages.mib(image.contentBytes()), chunks.size(), unique.size());
            o.printf("stored:     %d bytes (%s): chunks %d, manifest %d in %d blocks; %.1f%% of the content%n",
                    stored, LocalImages.mib(stored), chunkBytes, manifestBytes, image.manifestBlocks().size(),
                    100.0 * stored / Math.max(1, image.contentBytes()));
            o.println();
            for (int i : listing) o.println(line(image.entry(i)));
            return ExitCode.OK;
        }
    }

    private static String strip(String p) {
        String s = p;
        while (s.startsWith("/")) s = s.substring(1);
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    private static String counts(Map<FileType, Integer> types, int hardLinks) {
        StringBuilder sb = new StringBuilder();
        types.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(v).append(' ').append(k.name().toLowerCase().replace('_', ' ')));
        if (hardLinks > 0) sb.append(", ").append(hardLinks).append(" hard link");
        return sb.toString();
    }

    private static char typeChar(FileType t) {
        return switch (t) {
            case REGULAR -> '-';
            case DIRECTORY -> 'd';
            case SYMLINK -> 'l';
            case CHAR_DEVICE -> 'c';
            case BLOCK_DEVICE -> 'b';
            case FIFO -> 'p';
            case SOCKET -> 's';
        };
    }

    static String perms(FileType t, int mode) {
        char[] c = new char[10];
        c[0] = typeChar(t);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) c[i + 1] = (mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-';
        if ((mode & 04000) != 0) c[3] = c[3] == 'x' ? 's' : 'S';
        if ((mode & 02000) != 0) c[6] = c[6] == 'x' ? 's' : 'S';
        if ((mode & 01000) != 0) c[9] = c[9] == 'x' ? 't' : 'T';
        return new String(c);
    }

    private static String line(Entry e) {
        String name = e.path().length == 0 ? "/" : Names.show(e.path());
        String size = e.type() == FileType.CHAR_DEVICE || e.type() == FileType.BLOCK_DEVICE
                ? Posix.major(e.rdev()) + "," + Posix.minor(e.rdev()) : Long.toString(e.size());
        String tail = e.linkTarget() != null ? " -> " + Names.show(e.linkTarget())
                : e.isHardLink() ? " => " + Names.show(e.hardLinkTarget()) : "";
        return String.format("%s %5d %5d %10s %s %s%s%s", perms(e.type(), e.mode()), e.uid(), e.gid(), size,
                Instant.ofEpochSecond(0, e.mtimeNanos()), name, tail, e.xattrs().isEmpty() ? "" : "  " + e.xattrs().keySet());
    }

    private static Map<String, Object> json(Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", Names.show(e.path()));
        m.put("type", e.type().name().toLowerCase());
        m.put("mode", String.format("%04o", e.mode()));
        m.put("uid", e.uid());
        m.put("gid", e.gid());
        m.put("size", e.size());
        m.put("mtimeNanos", e.mtimeNanos());
        if (e.linkTarget() != null) m.put("target", Names.show(e.linkTarget()));
        if (e.isHardLink()) m.put("hardLinkTarget", Names.show(e.hardLinkTarget()));
        if (e.rdev() != 0) m.put("rdev", Posix.major(e.rdev()) + ":" + Posix.minor(e.rdev()));
        if (!e.xattrs().isEmpty()) m.put("xattrs", new ArrayList<>(e.xattrs().keySet()));
        return m;
    }
}
