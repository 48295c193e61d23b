package io.spore.cli;

import io.spore.fuse.BootProfile;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** container mount / unmount / mounts through the real CLI, on a real FUSE mount. */
class MountCommandsTest {
    private Path tmp, data;

    @BeforeEach void setUp() throws Exception {
        tmp = Files.createTempDirectory("cli-mount");
        data = tmp.resolve("data");
    }

    @AfterEach void cleanUp() throws Exception {
        // A failed test may leave a mount behind: detach everything under tmp before deleting it.
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mp = line.split(" ")[4];
            if (mp.startsWith(tmp.toString())) new ProcessBuilder("umount", "-l", mp).start().waitFor();
        }
        Cli.delete(tmp);
    }

    private Cli.Result cli(String... args) {
        return Cli.run(data, args);
    }


    @Test void aKilledMountIsClearedAtTheNextStart() throws Exception {
        Cli.require(Cli.isRoot() && Files.exists(Path.of("/dev/fuse")), "mount tests need root and /dev/fuse");
        Path tree = tmp.resolve("tree");
        Cli.smallTree(tree, 4, 1000);
        String key = cli("share", tree.toString()).out().strip();
        Path mnt = Files.createDirectories(data.resolve("machines/m1/lower"));
        Path err = tmp.resolve("mount.err");
        Process p = new ProcessBuilder(Cli.javaCommand(List.of(), "--data-dir", data.toString(), "mount", key, mnt.toString()))
                .redirectError(err.toFile()).start();
        try {
            for (int i = 0; i < 200 && !Files.readString(err).contains("mounted"); i++) Thread.sleep(50);
            assertTrue(Files.readString(err).contains("mounted"), Files.readString(err));
        } finally {
            p.destroyForcibly().waitFor();   // SIGKILL: no shutdown hook, the mount stays behind, dead
        }
        assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains(mnt.toString()), "a dead mount is left");
        assertFalse(Files.isDirectory(mnt), "a dead FUSE mount cannot be read (ENOTCONN)");
        assertEquals(List.of(mnt), io.spore.fuse.Mounts.clearStale(data));
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(mnt.toString()));
        assertTrue(Files.isDirectory(mnt));
    }

    @Test void badInputsGiveOneLineErrors() throws Exception {
        Cli.assertOneLineError(cli("unmount", tmp.toString()), "is not a Spore mount: see 'container mounts'");
        Cli.assertOneLineError(cli("mount", "nonsense", tmp.toString()), "is not a valid key");
        String key = "bafyreigdmqpykrgxyaxtlafqpqhzrb7qy2rh75nldvfd4tucqmqqme5yje";
        Cli.assertOneLineError(cli("mount", key, tmp.toString()), "there is no block store in");
        Cli.Result usage = cli("mount", key);
        assertEquals(2, usage.code(), usage.err());
        Cli.assertOneLineError(cli("mount", key, tmp.toString(), "--record-profile", "0"), "--record-profile must be a positive number");
    }

    @Test void mountListUnmountAndRecordAProfile() throws Exception {
        Cli.require(Cli.isRoot() && Files.exists(Path.of("/dev/fuse")), "mount tests need root and /dev/fuse");
        Path tree = tmp.resolve("tree");
        Cli.smallTree(tree, 20, 100_000);
        Cli.Result shared = cli("share", tree.toString());
        assertEquals(0, shared.code(), shared.err());
        String key = shared.out().strip();
        Path mnt = Files.createDirectory(tmp.resolve("mnt"));
        Path out = tmp.resolve("mount.out"), err = tmp.resolve("mount.err");
        Process p = new ProcessBuilder(Cli.javaCommand(List.of(), "--data-dir", data.toString(), "mount", key, mnt.toString(),
                "--record-profile", "30")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            for (int i = 0; i < 200 && !Files.readString(err).contains("mounted"); i++) Thread.sleep(50);
            assertTrue(Files.readString(err).startsWith("container: mounted " + key), Files.readString(err));
            assertArrayEquals(Files.readAllBytes(tree.resolve("f0")), Files.readAllBytes(mnt.resolve("f0")));
            Thread.sleep(1200);   // the foreground mount writes its figures once a second
            Cli.Result listed = cli("--json", "mounts");
            assertEquals(0, listed.code(), listed.err());
            assertTrue(listed.out().contains("\"dir\" : \"" + mnt + "\"") && listed.out().contains("\"chunksTotal\""), listed.out());
            Cli.Result text = cli("mounts");
            assertTrue(text.out().contains(mnt + "  " + key + "  chunks fetched"), text.out());
            Cli.assertOneLineError(cli("mount", key, mnt.toString()), "is already a mount point");
            Cli.Result un = cli("unmount", mnt.toString());
            assertEquals(0, un.code(), un.err());
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the foreground mount ends after unmount");
            assertEquals(0, p.exitValue(), Files.readString(err));
        } finally {
            p.destroyForcibly().waitFor();
        }
        String withProfile = Files.readString(out).strip();
        assertNotEquals(key, withProfile);
        try (FileBlockStore store = FileBlockStore.open(data)) {
            BootProfile profile = BootProfile.load(store, Cid.parse(withProfile)).orElseThrow();
            assertEquals(Cid.parse(key), profile.image());
            assertTrue(profile.order().length > 0, "reading f0 recorded its chunks");
        }
        assertFalse(cli("mounts").out().contains(mnt.toString()));
        assertEquals("", new String(new byte[0], StandardCharsets.UTF_8));
    }
}
