package io.spore.image.posix;

import io.spore.image.Entry;
import io.spore.image.FileChangedException;
import io.spore.image.FileType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TreeWalkerTest {
    private Path tmp;

    @AfterEach void cleanUp() { Fixtures.delete(tmp); }

    private Map<String, Entry> walk(Path dir, List<Entry> order) throws IOException {
        Map<String, Entry> byPath = new HashMap<>();
        TreeWalker.walk(Fixtures.bytes(dir), (e, content) -> {
            if (content != null) {
                ByteBuffer b = ByteBuffer.allocate(65536);
                while (content.read(b.clear()) >= 0) { /* drain */ }
            }
            order.add(e);
            byPath.put(new String(e.path(), StandardCharsets.ISO_8859_1), e);
        });
        return byPath;
    }

    @Test void craftedTreeEntriesCarryEverything() throws Exception {
        tmp = Files.createTempDirectory("walker");
        Path t = tmp.resolve("t");
        Fixtures.craftedTree(t, false);
        List<Entry> order = new ArrayList<>();
        Map<String, Entry> m = walk(t, order);

        assertEquals(0, order.get(0).path().length, "the root comes first");
        for (int i = 1; i < order.size(); i++) {
            assertTrue(Arrays.compareUnsigned(order.get(i - 1).path(), order.get(i).path()) < 0
                    || isParentOf(order.get(i - 1), order.get(i)), "image order at " + order.get(i));
        }
        Entry hello = m.get("hello.txt");
        assertEquals(1700000000987654321L, hello.mtimeNanos());
        assertEquals(1234, hello.uid());
        assertEquals(5678, hello.gid());
        assertArrayEquals("value".getBytes(), hello.xattrs().get("user.test"));
        // a/hard2 comes first in image order, so it carries the content and the others point to it
        assertEquals(null, m.get("a/hard2").hardLinkTarget());
        assertEquals("a/hard2", new String(m.get("hard1").hardLinkTarget()));
        assertEquals("a/hard2", new String(hello.hardLinkTarget()));
        assertNotNull(m.get("capped").xattrs().get("security.capability"));
        assertNotNull(m.get("acl-file").xattrs().get("system.posix_acl_access"));
        assertNotNull(m.get("acl-dir").xattrs().get("system.posix_acl_default"));
        assertArrayEquals("linkattr".getBytes(), m.get("link").xattrs().get("trusted.sym"));
        assertEquals(FileType.SOCKET, m.get("sock").type());
        assertEquals(FileType.FIFO, m.get("fifo").type());
        assertEquals(FileType.FIFO, m.get("hardfifo").type());
        assertEquals("fifo", new String(m.get("hardfifo").hardLinkTarget()));
        assertEquals(FileType.BLOCK_DEVICE, m.get("bdev").type());
        assertEquals(300, Posix.major(m.get("bigdev").rdev()));
        assertEquals(70000, Posix.minor(m.get("bigdev").rdev()));
        assertEquals(04755, m.get("setuid").mode());
        assertEquals(02750, m.get("setgid").mode());
        assertEquals(01777, m.get("sticky").mode());
        assertEquals(1500, m.get("longlink").linkTarget().length);
        assertEquals(1500, m.get("longlink").size());
        assertEquals(8 << 20, m.get("sparse").size());
        assertNotNull(m.get("bad\u00ff\u00fename"), "non-UTF-8 names come through as bytes");
        assertNotNull(m.get("new\nline"));
        assertTrue(order.stream().anyMatch(e -> e.path().length > 4096), "a path longer than PATH_MAX");
        assertEquals(FileType.SYMLINK, m.get("hardsym").type());
        assertEquals("hardsym", new String(m.get("link").hardLinkTarget()));
    }

    private static boolean isParentOf(Entry a, Entry b) {
        return a.type() == FileType.DIRECTORY && (a.path().length == 0 || b.path().length > a.path().length && b.path()[a.path().length] == '/');
    }

    @Test void aFileChangingWhileReadIsNamed() throws Exception {
        tmp = Files.createTempDirectory("walker");
        Path f = tmp.resolve("growing.log");
        Files.write(f, new byte[200_000]);
        var e = assertThrows(FileChangedException.class, () -> TreeWalker.walk(Fixtures.bytes(tmp), (en, content) -> {
            if (content == null) return;
            ByteBuffer b = ByteBuffer.allocate(4096);
            content.read(b);
            Files.write(f, "more".getBytes(), java.nio.file.StandardOpenOption.APPEND); // a writer, mid-read
            long n = 0;
            while (n < en.size() && content.read(b.clear()) > 0) n += b.position();
        }));
        assertTrue(e.getMessage().contains("growing.log"), e.getMessage());
        assertTrue(e.getMessage().contains("changed while it was read"), e.getMessage());
    }

    /** Like tar --one-file-system: a mount point is listed, what is mounted there is not (unless asked). */
    @Test void staysOnTheRootsFileSystem() throws Exception {
        Fixtures.requireRoot();
        tmp = Files.createTempDirectory("walker");
        Path t = tmp.resolve("t"), mnt = t.resolve("mnt");
        Files.createDirectories(mnt);
        Files.writeString(t.resolve("before"), "b");
        Files.writeString(t.resolve("zafter"), "z");
        String tag = "spore-walker-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Fixtures.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m,mode=0701", tag, mnt.toString()));
        try {
            Files.writeString(mnt.resolve("inside"), "mounted");
            Files.createDirectories(mnt.resolve("sub"));
            List<Entry> order = new ArrayList<>();
            Map<String, Entry> m = walk(t, order);
            assertEquals(FileType.DIRECTORY, m.get("mnt").type(), "the mount point itself is kept");
            assertEquals(0701, m.get("mnt").mode(), "with the attributes the mount shows");
            assertEquals(null, m.get("mnt/inside"), "the mounted file system is not entered");
            assertEquals(null, m.get("mnt/sub"));
            assertNotNull(m.get("before"));
            assertNotNull(m.get("zafter"), "the walk goes on after the mount point");

            List<String> crossed = new ArrayList<>();
            TreeWalker.walk(Fixtures.bytes(t), (e, content) -> {
                if (content != null) while (content.read(ByteBuffer.allocate(4096)) >= 0) { /* drain */ }
                crossed.add(new String(e.path(), StandardCharsets.ISO_8859_1));
            }, List.of(), true);
            assertTrue(crossed.contains("mnt/inside") && crossed.contains("mnt/sub"), crossed.toString());
        } finally {
            Fixtures.run(List.of("umount", mnt.toString()));
        }
    }

    @Test void missingAndNotADirectoryAreOneLineErrors() throws Exception {
        tmp = Files.createTempDirectory("walker");
        var missing = assertThrows(IOException.class, () -> TreeWalker.walk(Fixtures.bytes(tmp.resolve("nope")), (e, c) -> {}));
        assertEquals(tmp.resolve("nope") + " does not exist: give the root directory of the tree to share", missing.getMessage());
        Files.writeString(tmp.resolve("file"), "x");
        var notDir = assertThrows(IOException.class, () -> TreeWalker.walk(Fixtures.bytes(tmp.resolve("file")), (e, c) -> {}));
        assertEquals(tmp.resolve("file") + " is not a directory: give the root directory of the tree to share", notDir.getMessage());
    }

    @Test void namesAreShownSafely() {
        assertEquals("bad\\xff\\xfename", Names.show("bad\u00ff\u00fename".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("new\\x0aline", Names.show("new\nline".getBytes()));
        assertEquals("café", Names.show("café".getBytes(StandardCharsets.UTF_8)));
        for (String n : List.of("bad\u00ff\u00fename", "new\nline", "back\\slash", "\\x41 literal")) {
            byte[] raw = n.getBytes(StandardCharsets.ISO_8859_1);
            assertArrayEquals(raw, Names.parse(Names.show(raw)), n);
        }
        assertArrayEquals("café".getBytes(StandardCharsets.UTF_8), Names.parse("café"));
    }
}
