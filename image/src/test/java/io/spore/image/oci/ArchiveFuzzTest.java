package io.spore.image.oci;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * Hostile indexes, manifests and configs: one JSON document of a valid archive (OCI index,
 * manifest, config, or docker save manifest.json) is replaced by the fuzzer's text, the digests
 * above it are fixed so it reaches the code that reads it, and the archive is imported. Only an
 * IOException naming the problem may come out.
 * Run for real with {@code tests/fuzz/run --only ArchiveFuzz} (JAZZER_FUZZ=1).
 */
class ArchiveFuzzTest {
    private static byte[] layer;

    private static synchronized byte[] layer() {
        if (layer == null) layer = new TarMaker().file("etc/hostname", "fuzz").symlink("l", "etc").bytes();
        return layer;
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @FuzzTest(maxDuration = "10s")
    void importHostileDocuments(FuzzedDataProvider data) throws Exception {
        int which = data.consumeInt(0, 3);
        String platform = data.consumeBoolean() ? data.consumeString(20) : null;
        String fuzzed = data.consumeRemainingAsString();
        byte[] l = layer();
        String ld = sha(l);
        String config = which == 2 ? fuzzed : "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[\"sha256:" + ld + "\"]}}";
        String cd = sha(config.getBytes(StandardCharsets.UTF_8));
        String manifest = which == 1 ? fuzzed : "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"sha256:" + cd + "\"},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:"
                + ld + "\",\"size\":" + l.length + "}]}";
        String md = sha(manifest.getBytes(StandardCharsets.UTF_8));
        String index = which == 0 ? fuzzed : "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"sha256:" + md + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        TarMaker t = new TarMaker();
        if (which == 3) {
            t.file("manifest.json", fuzzed).file(cd + ".json", config).entry(ld + ".tar", '0', 0644, l, "", Map.of())
                    .symlink("x/layer.tar", "../" + ld + ".tar");
        } else {
            t.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}").file("index.json", index).file("blobs/sha256/" + md, manifest)
                    .file("blobs/sha256/" + cd, config).entry("blobs/sha256/" + ld, '0', 0644, l, "", Map.of());
        }
        Path tmp = Files.createTempDirectory("archive-fuzz");
        try {
            Path archive = Files.write(tmp.resolve("a.tar"), t.bytes());
            try (OciImporter.Prepared p = OciImporter.read(archive, platform, tmp)) {
                p.write(new MemStore(), 1);
            } catch (IOException expected) {
                // refused with a message
            }
        } finally {
            try (var s = Files.list(tmp)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(tmp);
        }
    }
}
