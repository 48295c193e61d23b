package io.spore.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.image.ImageWriter;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A container image (docker save archive, OCI archive, OCI layout directory) into one Spore image.
 * {@link #read} selects the image (nested indexes, platform), checks every blob against its digest
 * and every layer against its diff_id, and applies the layers in memory; only then does
 * {@link Prepared#write} store anything, so bad input leaves nothing behind.
 *
 * <p>The image config (Entrypoint, Cmd, Env, WorkingDir, User) is returned but not stored: the
 * image format (FORMAT.md) holds a filesystem and has no place for it.
 */
public final class OciImporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> INDEX = Set.of("application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final Set<String> MANIFEST = Set.of("application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Set<String> CONFIG = Set.of("application/vnd.oci.image.config.v1+json",
            "application/vnd.docker.container.image.v1+json");
    private static final Set<String> LAYER = Set.of("application/vnd.oci.image.layer.v1.tar",
            "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.layer.v1.tar+zstd",
            "application/vnd.oci.image.layer.nondistributable.v1.tar", "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "application/vnd.docker.image.rootfs.diff.tar");

    private OciImporter() {}

    /** What the image's config asks a runtime to do; nulls where the config says nothing. */
    public record Config(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {}

    /** The image read and checked, its tree in memory and its contents in a temporary file. */
    public static final class Prepared implements AutoCloseable {
        private final LayerTree tree;
        private final Spool spool;
        private final String format, platform;
        private final int layers;
        private final Config config;

        Prepared(LayerTree tree, Spool spool, String format, String platform, int layers, Config config) {
            this.tree = tree;
            this.spool = spool;
            this.format = format;
            this.platform = platform;
            this.layers = layers;
            this.config = config;
        }

        /** "OCI layout", "OCI archive" or "docker save archive". */
        public String format() { return format; }

        /** os/arch[/variant] of the config, or "unknown". */
        public String platform() { return platform; }

        public int layers() { return layers; }

        public Config config() { return config; }

        /** Writes the tree into {@code store}; returns the key. */
        public Result write(BlockStore store, int threads) throws IOException {
            try (ImageWriter w = new ImageWriter(store, threads)) {
                try {
                    tree.write(w, spool);
                } catch (IllegalArgumentException e) {
                    throw new IOException("the image cannot be stored: " + e.getMessage());
                }
                Cid root = w.finish();
                return new Result(root, w.stats());
            }
        }

        @Override public void close() throws IOException { spool.close(); }
    }

    public record Result(Cid root, ImageWriter.Stats stats) {}

    /**
     * Reads {@code path}; {@code platform} ("os/arch[/variant]") picks one image of a multi-platform
     * archive, null means the only one or else this machine's. The temporary file goes in {@code tmpDir}.
     */
    public static Prepared read(Path path, String platform, Path tmpDir) throws IOException {
        Platform want = platform == null ? null : Platform.parse(platform);
        try (Archive a = Archive.open(path)) {
            String kind = a instanceof Archive.InDir ? "OCI layout" : "OCI archive";
            Spool spool = new Spool(tmpDir);
            boolean ok = false;
            try {
                Prepared p;
                if (a.size("index.json") >= 0) p = oci(a, kind, want, spool);
                else if (a.size("manifest.json") >= 0) p = DockerSave.read(a, want, spool);
                else throw new IOException(path + " holds neither index.json (OCI layout) nor manifest.json (docker save): give an archive made by "
                            + "docker save, skopeo, buildah or umoci");
                ok = true;
                return p;
            } finally {
                if (!ok) spool.close();
            }
        }
    }

    private record Candidate(JsonNode descriptor, Platform platform, String ref) {}

    private static Prepared oci(Archive a, String kind, Platform want, Spool spool) throws IOException {
        JsonNode index = json(Layers.named(a, "index.json", null, "the image index"), "index.json");
        List<Candidate> all = new ArrayList<>();
        Set<String> skipped = new LinkedHashSet<>();
        collect(a, index, 0, all, skipped);
        if (all.isEmpty()) {
            throw new IOException("the archive's index lists no container image" + (skipped.isEmpty() ? "" : " (only unsupported media types: "
                    + String.join(", ", skipped) + ")") + ": give an archive of a container image");
        }
        // attestations and signatures ride along in indexes as "unknown/unknown"
        List<Candidate> images = all.stream().filter(c -> c.platform() == null || !"unknown".equals(c.platform().os())).toList();
        if (images.isEmpty()) images = all;
        Candidate pick = choose(a, images, want);
        JsonNode manifest = json(Layers.blob(a, digest(pick.descriptor(), "a manifest"), "the image manifest"), "the image manifest");
        String mt = text(manifest, "mediaType", text(pick.descriptor(), "mediaType", null));
        if (mt != null && !MANIFEST.contains(mt)) throw unsupported(mt, "the image manifest");
        JsonNode configDesc = manifest.path("config");
        String ct = text(configDesc, "mediaType", null);
        if (ct == null || !CONFIG.contains(ct)) throw unsupported(ct, "the image config (it is not a container image)");
        JsonNode config = json(Layers.blob(a, digest(configDesc, "the config"), "the image config"), "the image config");
        Platform actual = Platform.of(config);
        if (want != null && actual != null && !want.matches(actual))
            throw new IOException("the archive's image is for " + actual + ", not " + want + ": give --platform " + actual + " or another archive");
        List<Layers.Digest> diffIds = diffIds(config);
        JsonNode layers = manifest.path("layers");
        if (!layers.isArray()) throw new IOException("the image manifest has no layer list: the archive is damaged");
        if (diffIds.size() != layers.size())
            throw new IOException("the image manifest lists " + layers.size() + " layers but its config " + diffIds.size() + " diff_ids: the archive is damaged");
        LayerTree tree = new LayerTree();
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String what = "layer " + (i + 1) + " of " + layers.size();
            String lt = text(l, "mediaType", null);
            if (lt == null || !LAYER.contains(lt)) throw unsupported(lt, what);
            Layers.Digest d = digest(l, what);
            Layers.apply(a, d.blobPath(), d, l.path("size").asLong(-1), diffIds.get(i), tree, i, spool, what + " (" + d.brief() + ")");
        }
        return new Prepared(tree, spool, kind, actual == null ? "unknown" : actual.toString(), layers.size(), config(config));
    }

    /** Manifests reachable from an index, through nested indexes (a few levels at most). */
    private static void collect(Archive a, JsonNode index, int depth, List<Candidate> out, Set<String> skipped) throws IOException {
        JsonNode ms = index.path("manifests");
        if (!ms.isArray()) throw new IOException("an image index has no manifest list: the archive is damaged");
        for (JsonNode d : ms) {
            String mt = text(d, "mediaType", null);
            if (mt != null && INDEX.contains(mt)) {
                if (depth >= 4) throw new IOException("the archive's indexes nest more than 4 deep: the archive is damaged or hostile");
                collect(a, json(Layers.blob(a, digest(d, "a nested index"), "a nested image index"), "a nested image index"), depth + 1, out, skipped);
            } else if (mt == null || MANIFEST.contains(mt)) {
                out.add(new Candidate(d, Platform.of(d.path("platform")), text(d.path("annotations"), "org.opencontainers.image.ref.name", null)));
            } else {
                skipped.add(mt);
            }
        }
    }

    private static Candidate choose(Archive a, List<Candidate> images, Platform want) throws IOException {
        if (want == null && images.size() == 1) return images.getFirst();
        Platform target = want != null ? want : Platform.host();
        List<Candidate> fit = new ArrayList<>();
        for (Candidate c : images) {
            Platform p = c.platform() != null ? c.platform() : platformOfManifest(a, c.descriptor());
            if (p != null && target.matches(p)) fit.add(c);
        }
        if (fit.size() == 1) return fit.getFirst();
        if (fit.isEmpty()) {
            Set<String> have = new LinkedHashSet<>();
            for (Candidate c : images) {
                Platform p = c.platform() != null ? c.platform() : platformOfManifest(a, c.descriptor());
                have.add(p == null ? "unknown" : p.toString());
            }
            throw new IOException("the archive has no image for " + target + " (it has " + String.join(", ", have) + "): give --platform "
                    + "with one of those");
        }
        List<String> refs = fit.stream().map(c -> c.ref() == null ? digest0(c.descriptor()) : c.ref()).toList();
        throw new IOException("the archive holds " + fit.size() + " images for " + target + " (" + String.join(", ", refs)
                + "): copy the one you want into an archive of its own (skopeo copy oci:DIR:REF oci-archive:FILE)");
    }

    private static String digest0(JsonNode d) { return text(d, "digest", "?"); }

    private static Platform platformOfManifest(Archive a, JsonNode desc) throws IOException {
        JsonNode m = json(Layers.blob(a, digest(desc, "a manifest"), "an image manifest"), "an image manifest");
        JsonNode c = m.path("config");
        if (!CONFIG.contains(text(c, "mediaType", ""))) return null;
        return Platform.of(json(Layers.blob(a, digest(c, "a config"), "an image config"), "an image config"));
    }

    static List<Layers.Digest> diffIds(JsonNode config) throws IOException {
        JsonNode ids = config.path("rootfs").path("diff_ids");
        if (!ids.isArray()) throw new IOException("the image config has no rootfs.diff_ids: the archive is damaged");
        List<Layers.Digest> out = new ArrayList<>();
        for (JsonNode id : ids) out.add(Layers.Digest.parse(id.isTextual() ? id.asText() : null, "a diff_id of the image config"));
        return out;
    }

    static Config config(JsonNode c) {
        JsonNode cfg = c.path("config");
        return new Config(strings(cfg.path("Entrypoint")), strings(cfg.path("Cmd")), strings(cfg.path("Env")),
                text(cfg, "WorkingDir", null), text(cfg, "User", null));
    }

    private static List<String> strings(JsonNode n) {
        if (!n.isArray()) return null;
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    static Layers.Digest digest(JsonNode descriptor, String what) throws IOException {
        JsonNode d = descriptor.path("digest");
        return Layers.Digest.parse(d.isTextual() ? d.asText() : null, what);
    }

    static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : dflt;
    }

    static JsonNode json(byte[] b, String what) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(b);
        } catch (IOException e) {
            throw new IOException(what + " is not valid JSON: the archive is damaged, save or copy the image again");
        }
        if (n == null || !n.isContainerNode()) throw new IOException(what + " is not a JSON object: the archive is damaged, save or copy the image again");
        return n;
    }

    private static IOException unsupported(String mediaType, String what) {
        return new IOException(what + " has the media type " + (mediaType == null ? "(none)" : mediaType)
                + ", which is not supported: convert it with skopeo copy --format oci (encrypted or foreign layers cannot be imported)");
    }
}
