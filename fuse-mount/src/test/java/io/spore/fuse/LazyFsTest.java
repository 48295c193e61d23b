package io.spore.fuse;

import io.spore.image.FileType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static io.spore.fuse.Env.run;
import static io.spore.fuse.Env.sh;
import static org.junit.jupiter.api.Assertions.*;

/** POSIX behaviour of the lazy file system on a real FUSE mount, over an in-memory tree. */
class LazyFsTest {
    static final byte[] ODD_NAME = {'n', (byte) 0xff, (byte) 0xfe, 'x'};
    @TempDir Path tmp;
    MemTree tree;
    TestSource source;
    LazyMount mount;
    Path mnt;
    byte[] big;

    @BeforeEach
    void mountTree() throws Exception {
        Env.requireFuse();
        tree = new MemTree();
        tree.dir("bin", 0755);
        tree.file("bin/tool", 04755, "#!/bin/sh\necho hi\n".getBytes());
        tree.dir("etc", 0755);
        tree.file("etc/os-release".getBytes(), 0644, 0, 0, "NAME=Spore\n".getBytes(),
                Map.of("user.test", "v".getBytes()));
        tree.file("etc/secret", 0600, "s3cret\n".getBytes());
        tree.file("hl-a".getBytes(), 0640, 1000, 100, "linked\n".getBytes(), Map.of());
        tree.add("hl-b", FileType.REGULAR, 0640, 1000, 100, null, null, "hl-a", 0, Map.of());
        tree.add("link", FileType.SYMLINK, 0777, 0, 0, null, "etc/os-release".getBytes(), null, 0, Map.of());
        tree.add("fifo", FileType.FIFO, 0644, 0, 0, null, null, null, 0, Map.of());
        tree.add("null", FileType.CHAR_DEVICE, 0666, 0, 0, null, null, null, (1 << 8) | 3, Map.of());
        tree.add("sda", FileType.BLOCK_DEVICE, 0660, 0, 6, null, null, null, (8 << 8), Map.of());
        tree.file(ODD_NAME, 0644, 0, 0, "odd\n".getBytes(), Map.of());
        tree.dir("big", 0755);
        for (int i = 0; i < 5000; i++) tree.file(String.format("big/f%05d", i), 0644, new byte[] {(byte) i});
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(big);
        tree.file("large", 0644, big);
        source = new TestSource(tree.blocks);
        // Other users must reach the mount point for the permission test.
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        mnt = Files.createDirectory(tmp.resolve("mnt"));
        mount = LazyMount.mount(tree, source, mnt, MountOptions.defaults());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) mount.unmount();
    }

    @Test
    void metadataIsExact() throws Exception {
        String f = "%F|%a|%u|%g|%s|%h|%.9Y";
        assertEquals("regular file|4755|0|0|18|1|1700000000.123456791\n", sh("stat -c '" + f + "' " + mnt + "/bin/tool"));
        assertEquals("directory|755|0|0|0|5|1700000000.123456789\n", sh("stat -c '" + f + "' " + mnt));
        assertEquals("symbolic link|777|0|0|14\n", sh("stat -c '%F|%a|%u|%g|%s' " + mnt + "/link"));
        assertEquals("etc/os-release\n", sh("readlink " + mnt + "/link"));
        assertEquals("fifo\n", sh("stat -c %F " + mnt + "/fifo"));
        assertEquals("character special file|1:3|666\n", sh("stat -c '%F|%t:%T|%a' " + mnt + "/null"));
        assertEquals("block special file|8:0|660|6\n", sh("stat -c '%F|%t:%T|%a|%g' " + mnt + "/sda"));
        assertEquals("NAME=Spore\n", sh("cat " + mnt + "/link"));
    }

    @Test
    void hardLinksShareAnInode() throws Exception {
        String a = sh("stat -c '%i %h %u:%g' " + mnt + "/hl-a"), b = sh("stat -c '%i %h %u:%g' " + mnt + "/hl-b");
        assertEquals(a, b);
        assertTrue(a.contains(" 2 1000:100"), a);
        assertEquals("linked\n", sh("cat " + mnt + "/hl-b"));
    }

    @Test
    void namesAreBytes() throws Exception {
        String hex = sh("ls -1 " + mnt + " | od -An -tx1 | tr -d ' \\n'");
        assertTrue(hex.contains("6efffe78"), hex);
        assertEquals("odd\n", sh("cat " + mnt + "/$(printf 'n\\xff\\xfex')"));
        assertNotEquals(0, run("cat " + mnt + "/$(printf 'n\\xef\\xbf\\xbdx')").code(), "a lossy decoding would find this");
    }

    @Test
    void largeDirectoriesListCompletelyWithTypes() throws Exception {
        assertEquals("5002\n", sh("ls -f " + mnt + "/big | wc -l"));
        assertEquals("5000\n", sh("find " + mnt + "/big -type f | wc -l"));
        assertEquals("f04999\n", sh("ls " + mnt + "/big | tail -1"));
    }

    @Test
    void contentMatchesAndLargeReadsWork() throws Exception {
        Path expected = tmp.resolve("large");
        Files.write(expected, big);
        sh("cmp " + expected + " " + mnt + "/large");
        sh("dd if=" + mnt + "/large bs=4M status=none | cmp - " + expected);
        assertEquals(tree.chunks().size() > 0, true);
    }

    @Test
    void xattrsAndStatfs() throws Exception {
        String x = sh("getfattr -d -m - --absolute-names " + mnt + "/etc/os-release");
        assertTrue(x.contains("user.test=\"v\""), x);
        assertNotEquals(0, run("getfattr -n user.none " + mnt + "/etc/os-release").code());
        String fs = sh("stat -f -c '%T %c %l' " + mnt);
        assertTrue(fs.startsWith("fuseblk") || fs.startsWith("fuse"), fs);
        assertTrue(fs.contains(" " + tree.size() + " 255"), fs);
    }

    @Test
    void permissionsAreEnforcedForOtherUsers() throws Exception {
        String nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
        assertEquals("NAME=Spore\n", sh(nobody + "cat " + mnt + "/etc/os-release"));
        Env.Result denied = run(nobody + "cat " + mnt + "/etc/secret");
        assertNotEquals(0, denied.code());
        assertTrue(denied.err().contains("Permission denied"), denied.err());
        Env.Result write = run("touch " + mnt + "/new; echo x >> " + mnt + "/etc/os-release");
        assertTrue(write.err().contains("Read-only file system"), write.err());
    }

    @Test
    void metadataWalkReadsNoContent() throws Exception {
        int before = source.gets.get();
        sh("find " + mnt + " -xdev -ls > /dev/null");
        assertEquals(before, source.gets.get(), "find must not read file content");
        sh("cat " + mnt + "/etc/os-release >/dev/null");
        assertTrue(source.gets.get() > before);
    }

    @Test
    void missingDataGivesEioAfterTheDeadlineThenRecovers() throws Exception {
        source.deadline = Duration.ofSeconds(1);
        source.down = true;
        long t0 = System.nanoTime();
        Env.Result r = run("cat " + mnt + "/bin/tool");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("Input/output error"), r.err());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos());
        assertTrue(mount.stats().readErrors() > 0);
        source.down = false;
        assertEquals("#!/bin/sh\necho hi\n", sh("cat " + mnt + "/bin/tool"));
    }

    @Test
    void unmountWithAFileOpenDetaches() throws Exception {
        Process holder = new ProcessBuilder("bash", "-c", "exec 3<" + mnt + "/large; sleep 30").start();
        try {
            Thread.sleep(300);
            mount.unmount(Duration.ofMillis(200));
            assertTrue(MountTable.read().stream().noneMatch(m -> m.mountPoint().equals(mnt)), "still in mountinfo");
            assertTrue(mount.running(), "the loop serves the open file until it is closed");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        for (int i = 0; i < 100 && mount.running(); i++) Thread.sleep(50);
        assertFalse(mount.running());
        mount = null;
    }

    @Test
    void figuresCountFetches() throws Exception {
        sh("cat " + mnt + "/large > /dev/null");
        MountStats s = mount.stats();
        assertEquals(big.length, s.bytesRead());
        assertTrue(s.chunksFetched() >= big.length / MemTree.CHUNK, s.toString());
        assertTrue(s.urgentFetches() >= s.chunksFetched());
        assertTrue(s.urgentP99Micros() >= s.urgentP50Micros());
        assertEquals(new String(ODD_NAME, StandardCharsets.ISO_8859_1).length(), 4);
    }
}
