package io.spore.image.oci;

import io.spore.image.Image;
import io.spore.image.posix.Exporter;
import io.spore.image.posix.Fixtures;
import io.spore.image.posix.Importer;
import io.spore.image.posix.TreeSnapshot;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images made by tools nobody here wrote (umoci builds and unpacks, skopeo converts, GNU tar
 * writes a layer with every attribute): the imported image, exported, equals the tree those
 * tools unpack from the same archive, and every archive form of one image gives one key.
 */
class OciImportTest {
    private Path tmp;

    @BeforeEach void setUp() throws IOException {
        Fixtures.requireRoot();
        for (String tool : List.of("umoci", "skopeo", "tar")) {
            Fixtures.require(Files.isExecutable(Path.of("/usr/bin", tool)), tool + " is missing: run tests/setup/00-packages.sh");
        }
        tmp = Files.createTempDirectory(Path.of("/var/tmp"), "oci-import");
    }

    @AfterEach void cleanUp() { Fixtures.delete(tmp); }

    private static String run(String... cmd) throws Exception { return Fixtures.run(List.of(cmd)); }

    private Cid importArchive(Path archive, Path data) throws IOException {
        try (OciImporter.Prepared p = OciImporter.read(archive, null, tmp); BlockStore store = FileBlockStore.open(data)) {
            return p.write(store, 2).root();
        }
    }

    private void assertExportEquals(Cid key, Path data, Path expected) throws Exception {
        Path out = tmp.resolve("export-" + key.toString().substring(50));
        try (BlockStore store = FileBlockStore.open(data)) {
            Exporter.export(Image.open(store, key), store, out.toString().getBytes(StandardCharsets.UTF_8));
        }
        TreeSnapshot a = TreeSnapshot.of(expected.toString().getBytes(StandardCharsets.UTF_8));
        TreeSnapshot b = TreeSnapshot.of(out.toString().getBytes(StandardCharsets.UTF_8));
        List<String> diff = a.diff(b, 20);
        assertTrue(diff.isEmpty(), "export differs from the tools' unpacked tree:\n" + String.join("\n", diff));
        System.out.printf("%s: %d paths, %d files, %d bytes equal to %s%n", key, a.paths(), a.files(), a.contentBytes(), expected);
    }

    /** The other archive forms of layout {@code lay}, made by skopeo: OCI archive, docker save archive, zstd layers. */
    private List<Path> otherForms(Path lay) throws Exception {
        Path oa = tmp.resolve("oci-archive.tar"), da = tmp.resolve("docker.tar"), z = tmp.resolve("zstd");
        run("skopeo", "copy", "-q", "oci:" + lay + ":t", "oci-archive:" + oa + ":t");
        run("skopeo", "copy", "-q", "oci:" + lay + ":t", "docker-archive:" + da + ":spore/t:latest");
        run("skopeo", "copy", "-q", "--dest-compress", "--dest-compress-format", "zstd", "oci:" + lay + ":t", "oci:" + z + ":t");
        assertTrue(run("tar", "tvf", da.toString()).contains("manifest.json"), "skopeo wrote a docker save archive");
        return List.of(oa, da, z);
    }

    @Test void umociLayersWithWhiteoutsInEveryArchiveForm() throws Exception {
        Path base = tmp.resolve("base"), lay = tmp.resolve("lay"), data = tmp.resolve("data");
        Files.createDirectories(base.resolve("dir/sub"));
        Files.createDirectories(base.resolve("opq/sub"));
        Files.writeString(base.resolve("keep"), "kept");
        Files.writeString(base.resolve("gone"), "whited out");
        Files.writeString(base.resolve("dir/x"), "x");
        Files.writeString(base.resolve("dir/sub/y"), "y");
        Files.writeString(base.resolve("opq/old"), "hidden by the opaque layer");
        Files.writeString(base.resolve("opq/sub/old2"), "hidden too");
        Files.createLink(base.resolve("hard"), base.resolve("keep"));
        Files.createSymbolicLink(base.resolve("link"), Path.of("dir/sub"));
        Path newOpq = tmp.resolve("newopq"), extra = tmp.resolve("extra");
        Files.createDirectories(newOpq);
        Files.writeString(newOpq.resolve("new"), "new");
        Files.writeString(extra, "added later");
        run("umoci", "init", "--layout", lay.toString());
        run("umoci", "new", "--image", lay + ":t");
        run("umoci", "insert", "--image", lay + ":t", base.toString(), "/");
        run("umoci", "insert", "--image", lay + ":t", "--whiteout", "/gone");
        run("umoci", "insert", "--image", lay + ":t", "--opaque", newOpq.toString(), "/opq");
        run("umoci", "insert", "--image", lay + ":t", extra.toString(), "/dir/sub/z");
        run("umoci", "insert", "--image", lay + ":t", "--whiteout", "/dir/x");
        run("umoci", "unpack", "--image", lay + ":t", tmp.resolve("bundle").toString());
        Path rootfs = tmp.resolve("bundle/rootfs");
        assertFalse(Files.exists(rootfs.resolve("gone")) || Files.exists(rootfs.resolve("opq/old")), "umoci applied its own whiteouts");

        Cid key = importArchive(lay, data);
        assertExportEquals(key, data, rootfs);
        for (Path form : otherForms(lay)) assertEquals(key, importArchive(form, data), form + " gives the same key as the layout");
        try (BlockStore store = FileBlockStore.open(data)) {
            assertEquals(key, Importer.importTree(rootfs.toString().getBytes(StandardCharsets.UTF_8), store, 1).root(),
                    "the import equals 'container share' of umoci's unpacked tree");
            Image img = Image.open(store, key);
            for (String p : List.of("gone", "dir/x", "opq/old", "opq/sub")) assertTrue(img.find(p.getBytes()) < 0, p + " is hidden");
            for (String p : List.of("keep", "hard", "opq/new", "dir/sub/y", "dir/sub/z")) assertTrue(img.find(p.getBytes()) > 0, p + " is there");
        }
    }

    @Test void gnuTarLayerKeepsEveryAttribute() throws Exception {
        Path src = tmp.resolve("crafted"), lay = tmp.resolve("lay"), data = tmp.resolve("data"), ref = tmp.resolve("ref");
        Fixtures.craftedTree(src, false);
        // tar cannot hold sockets and cannot extract paths beyond PATH_MAX: leave those out of this tree
        run("rm", "-rf", src.resolve("sock").toString());
        try (var s = Files.list(src)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("ddd")).toList()) run("rm", "-rf", p.toString());
        }
        Path layer = tmp.resolve("layer.tar");
        List<String> tar = new ArrayList<>(List.of("tar", "--xattrs", "--xattrs-include=*", "--format=pax", "--numeric-owner", "-C",
                src.toString(), "-cf", layer.toString(), "."));
        new ProcessBuilder(tar).redirectErrorStream(true).start().waitFor(); // warns about the pre-1970 mtime, exits 0
        Files.createDirectories(ref);
        new ProcessBuilder("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", layer.toString(), "-C", ref.toString())
                .redirectErrorStream(true).start().waitFor();
        run("umoci", "init", "--layout", lay.toString());
        run("umoci", "new", "--image", lay + ":t");
        run("umoci", "raw", "add-layer", "--image", lay + ":t", layer.toString());

        Cid key = importArchive(lay, data);
        assertExportEquals(key, data, ref);
        try (BlockStore store = FileBlockStore.open(data)) {
            Image img = Image.open(store, key);
            var hello = img.entry(img.find("hello.txt".getBytes()));
            assertEquals(1700000000987654321L, hello.mtimeNanos(), "PAX keeps nanoseconds");
            assertTrue(img.entry(img.find("capped".getBytes())).xattrs().containsKey("security.capability"));
            assertTrue(img.entry(img.find("hard1".getBytes())).isHardLink() || img.entry(img.find("a/hard2".getBytes())).isHardLink());
        }
        for (Path form : otherForms(lay)) assertEquals(key, importArchive(form, data), form + " gives the same key as the layout");
    }

    @Test void minbaseFigures() throws Exception {
        Path minbase = Fixtures.rootfs("minbase"), lay = tmp.resolve("lay"), data = tmp.resolve("data");
        run("umoci", "init", "--layout", lay.toString());
        run("umoci", "new", "--image", lay + ":t");
        run("umoci", "insert", "--image", lay + ":t", minbase.toString(), "/");
        run("umoci", "unpack", "--image", lay + ":t", tmp.resolve("bundle").toString());
        long archive;
        try (var s = Files.walk(lay)) {
            archive = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        long t0 = System.nanoTime();
        Cid key;
        OciImporter.Result r;
        try (OciImporter.Prepared p = OciImporter.read(lay, null, tmp)) {
            long t1 = System.nanoTime();
            try (BlockStore store = FileBlockStore.open(data)) {
                r = p.write(store, Runtime.getRuntime().availableProcessors());
            }
            key = r.root();
            long t2 = System.nanoTime();
            System.out.printf("minbase OCI layout %,d bytes (gzip layer): read+verify+apply %.1f s, write %.1f s, total %.1f s; "
                            + "%d entries, %,d content bytes, %,d stored bytes, %d chunks%n", archive, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    (t2 - t0) / 1e9, r.stats().entries(), r.stats().contentBytes(), r.stats().storedBytes(), r.stats().chunks());
        }
        assertExportEquals(key, data, tmp.resolve("bundle/rootfs"));
    }
}
