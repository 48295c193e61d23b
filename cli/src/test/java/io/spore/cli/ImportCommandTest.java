package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code container import} through the real CLI: a layout written here (digests, config, a gzip
 * layer made by GNU tar), then every bad input the issue names, each a one-line error that leaves
 * no data directory behind.
 */
class ImportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path tmp, data, lay;
    private String layerDigest, configDigest, manifestDigest;

    @BeforeEach void setUp() throws Exception {
        tmp = Files.createTempDirectory("cli-import");
        data = tmp.resolve("data");
        lay = tmp.resolve("lay");
        Path tree = tmp.resolve("tree");
        Cli.smallTree(tree, 6, 3000);
        Cli.exec("tar", "--numeric-owner", "--format=pax", "-C", tree.toString(), "-cf", tmp.resolve("layer.tar").toString(), ".");
        writeLayout("application/vnd.oci.image.layer.v1.tar+gzip", "amd64");
    }

    @AfterEach void cleanUp() { Cli.delete(tmp); }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private String blob(byte[] b) throws Exception {
        String h = sha(b);
        Files.createDirectories(lay.resolve("blobs/sha256"));
        Files.write(lay.resolve("blobs/sha256/" + h), b);
        return h;
    }

    /** An OCI layout as the image-spec describes it: index -> manifest -> config + one layer. */
    private void writeLayout(String layerType, String arch) throws Exception {
        Cli.delete(lay);
        byte[] tar = Files.readAllBytes(tmp.resolve("layer.tar"));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(tar);
        }
        layerDigest = blob(gz.toByteArray());
        String config = """
                {"architecture":"%s","os":"linux","config":{"Entrypoint":["/bin/sh"],"Cmd":["-c","echo hi"],"Env":["PATH=/bin"],"WorkingDir":"/srv"},
                 "rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}""".formatted(arch, sha(tar));
        configDigest = blob(config.getBytes(StandardCharsets.UTF_8));
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},
                 "layers":[{"mediaType":"%s","digest":"sha256:%s","size":%d}]}"""
                .formatted(configDigest, config.length(), layerType, layerDigest, gz.size());
        manifestDigest = blob(manifest.getBytes(StandardCharsets.UTF_8));
        Files.writeString(lay.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(lay.resolve("index.json"), """
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,
                 "platform":{"os":"linux","architecture":"%s"}}]}""".formatted(manifestDigest, manifest.length(), arch));
    }

    private void assertFailsCleanly(String expected, String... args) {
        Cli.Result r = Cli.run(data, args);
        Cli.assertOneLineError(r, expected);
        assertFalse(Files.exists(data), "a failed import leaves no data directory behind");
    }

    @Test void importsALayoutAndPrintsItsKey() throws Exception {
        Cli.Result r = Cli.run(data, "import", lay.toString());
        assertEquals(0, r.code(), r.err());
        String key = r.out().strip();
        assertTrue(key.startsWith("bafy"), key);
        assertTrue(r.err().startsWith("container: imported " + lay + " (OCI layout, linux/amd64, 1 layers): 9 entries"), r.err());
        Cli.Result j = Cli.run(data, "--json", "import", lay.toString(), "--platform", "linux/amd64");
        JsonNode n = JSON.readTree(j.out());
        assertEquals(key, n.get("key").asText(), "the same image, the same key");
        assertEquals("[\"/bin/sh\"]", n.get("config").get("entrypoint").toString());
        assertEquals("/srv", n.get("config").get("workingDir").asText());
        Path out = tmp.resolve("out");
        assertEquals(0, Cli.run(data, "export", key, out.toString()).code());
        assertEquals(-1, Files.mismatch(tmp.resolve("tree/sub/f1"), out.resolve("sub/f1")));
        assertEquals(Path.of("sub"), Files.readSymbolicLink(out.resolve("link")));
    }

    @Test void notAnArchive() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello, this is no archive\n".repeat(40));
        assertFailsCleanly("notes.txt is not a tar archive or an OCI layout directory: give a docker save archive", "import", text.toString());
        assertFailsCleanly("does not exist: give a docker save archive", "import", tmp.resolve("nothing.tar").toString());
        Path gz = tmp.resolve("image.tar.gz");
        try (GZIPOutputStream z = new GZIPOutputStream(Files.newOutputStream(gz))) {
            z.write(Files.readAllBytes(tmp.resolve("layer.tar")));
        }
        assertFailsCleanly("is compressed (gzip): decompress it first (e.g. gunzip -k", "import", gz.toString());
        assertFailsCleanly("holds neither index.json (OCI layout) nor manifest.json (docker save)", "import", tmp.resolve("layer.tar").toString());
    }

    @Test void missingBlob() throws Exception {
        Files.delete(lay.resolve("blobs/sha256/" + layerDigest));
        assertFailsCleanly("the archive lacks blobs/sha256/" + layerDigest + " (layer 1 of 1 (sha256:" + layerDigest.substring(0, 12)
                + ")): it is incomplete, save or copy the image again", "import", lay.toString());
    }

    @Test void digestMismatch() throws Exception {
        Path layer = lay.resolve("blobs/sha256/" + layerDigest);
        byte[] b = Files.readAllBytes(layer);
        b[b.length / 2] ^= 0x40;
        Files.write(layer, b);
        assertFailsCleanly("does not match its digest sha256:" + layerDigest.substring(0, 12) + ": the archive is damaged",
                "import", lay.toString());
        Files.writeString(lay.resolve("blobs/sha256/" + configDigest), "{}");
        assertFailsCleanly("the image config does not match its digest", "import", lay.toString());
    }

    @Test void noMatchingPlatform() throws Exception {
        assertFailsCleanly("the archive has no image for linux/arm64 (it has linux/amd64): give --platform with one of those",
                "import", lay.toString(), "--platform", "linux/arm64");
        assertFailsCleanly("--platform linux is not os/arch[/variant]", "import", lay.toString(), "--platform", "linux");
        writeLayout("application/vnd.oci.image.layer.v1.tar+gzip", "s390x");
        ObjectNode index = (ObjectNode) JSON.readTree(lay.resolve("index.json").toFile());
        ((ObjectNode) index.get("manifests").get(0)).remove("platform");
        // the only image is taken whatever its platform; asked for another, the config's platform decides
        Files.writeString(lay.resolve("index.json"), index.toString());
        assertEquals(0, Cli.run(tmp.resolve("data2"), "import", lay.toString()).code());
        assertFailsCleanly("the archive has no image for linux/amd64 (it has linux/s390x)", "import", lay.toString(), "--platform", "linux/amd64");
    }

    @Test void nestedIndexesAndPlatformSelection() throws Exception {
        String amdManifest = JSON.readTree(lay.resolve("index.json").toFile()).get("manifests").get(0).toString();
        // same length as the amd64 config, so the manifest's size field still holds
        String config = Files.readString(lay.resolve("blobs/sha256/" + configDigest)).replace("\"amd64\"", "\"arm64\"");
        String armConfig = blob(config.getBytes(StandardCharsets.UTF_8));
        String manifest = Files.readString(lay.resolve("blobs/sha256/" + manifestDigest)).replace(configDigest, armConfig);
        String armManifest = blob(manifest.getBytes(StandardCharsets.UTF_8));
        String nested = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" + amdManifest + ","
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + armManifest
                + "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + manifestDigest
                + "\",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}]}";
        String nestedDigest = blob(nested.getBytes(StandardCharsets.UTF_8));
        Files.writeString(lay.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + nestedDigest + "\"}]}");
        Cli.Result arm = Cli.run(data, "import", lay.toString(), "--platform", "linux/arm64");
        assertEquals(0, arm.code(), arm.err());
        assertTrue(arm.err().contains("(OCI layout, linux/arm64, 1 layers)"), arm.err());
        Cli.Result host = Cli.run(data, "import", lay.toString(), "--platform", "linux/amd64");
        assertEquals(0, host.code(), host.err());
        assertTrue(host.err().contains("(OCI layout, linux/amd64, 1 layers)"), host.err());
        Cli.assertOneLineError(Cli.run(data, "import", lay.toString(), "--platform", "linux/arm64/v7"),
                "the archive has no image for linux/arm64/v7 (it has linux/amd64, linux/arm64/v8): give --platform with one of those");
    }

    @Test void unsupportedMediaType() throws Exception {
        writeLayout("application/vnd.oci.image.layer.v1.tar+gzip+encrypted", "amd64");
        assertFailsCleanly("layer 1 of 1 has the media type application/vnd.oci.image.layer.v1.tar+gzip+encrypted, which is not supported",
                "import", lay.toString());
    }
}
