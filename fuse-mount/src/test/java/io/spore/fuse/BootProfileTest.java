package io.spore.fuse;

import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BootProfileTest {
    static final Cid IMAGE = Cid.of(Cid.DAG_CBOR, "root".getBytes());

    @Test
    void roundTrips() throws IOException {
        BootProfile p = new BootProfile(IMAGE, new int[] {5, 0, 300, 70000, 2});
        assertEquals(p, BootProfile.decode(p.encode()));
        assertEquals(new BootProfile(IMAGE, new int[0]), BootProfile.decode(new BootProfile(IMAGE, new int[0]).encode()));
    }

    @Test
    void refusesOtherBlocksWithAOneLineReason() {
        byte[] good = new BootProfile(IMAGE, new int[] {1}).encode();
        for (byte[] bad : List.of(new byte[0], new byte[] {(byte) 0xa0}, java.util.Arrays.copyOf(good, good.length - 1),
                java.util.Arrays.copyOf(good, good.length + 1))) {
            IOException e = assertThrows(IOException.class, () -> BootProfile.decode(bad));
            assertTrue(e.getMessage().startsWith("not a boot profile block"), e.getMessage());
        }
    }

    /** A root shaped like FORMAT.md 4.2, keys in DAG-CBOR order. */
    static byte[] root() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        RootBlock.writeHead(o, 5, 7);
        key(o, "chunks"); RootBlock.writeHead(o, 4, 0);
        key(o, "format"); key(o, "spore-image");
        key(o, "entries"); RootBlock.writeHead(o, 4, 1); link(o, Cid.of(Cid.DAG_CBOR, "page".getBytes()));
        key(o, "version"); RootBlock.writeHead(o, 0, 1);
        key(o, "chunkCount"); RootBlock.writeHead(o, 0, 0);
        key(o, "entryCount"); RootBlock.writeHead(o, 0, 1);
        key(o, "contentBytes"); RootBlock.writeHead(o, 0, 0);
        return o.toByteArray();
    }

    static void key(ByteArrayOutputStream o, String k) {
        byte[] b = k.getBytes(StandardCharsets.UTF_8);
        RootBlock.writeHead(o, 3, b.length);
        o.writeBytes(b);
    }

    static void link(ByteArrayOutputStream o, Cid c) {
        RootBlock.writeHead(o, 6, 42);
        RootBlock.writeHead(o, 2, c.bytes().length + 1);
        o.write(0);
        o.writeBytes(c.bytes());
    }

    @Test
    void rootGainsAProfileLinkInKeyOrder() throws IOException {
        byte[] root = root();
        assertTrue(RootBlock.profile(root).isEmpty());
        Cid p1 = Cid.of(Cid.DAG_CBOR, "p1".getBytes()), p2 = Cid.of(Cid.DAG_CBOR, "p2".getBytes());
        byte[] with = RootBlock.withProfile(root, p1);
        assertEquals(p1, RootBlock.profile(with).orElseThrow());
        String text = new String(with, StandardCharsets.ISO_8859_1);
        assertTrue(text.indexOf("entries") < text.indexOf("profile") && text.indexOf("profile") < text.indexOf("version"));
        assertEquals(root[0] + 1, with[0], "one key more");
        byte[] replaced = RootBlock.withProfile(with, p2);
        assertEquals(p2, RootBlock.profile(replaced).orElseThrow());
        assertEquals(with.length, replaced.length);
        assertArrayEquals(RootBlock.withProfile(root, p2), replaced, "the encoding is canonical");
    }

    @Test
    void keyOrderIsLengthThenBytes() {
        List<String> keys = new ArrayList<>(List.of("version", "chunks", "contentBytes", "profile", "entries", "format"));
        keys.sort(RootBlock::keyOrder);
        assertEquals(List.of("chunks", "format", "entries", "profile", "version", "contentBytes"), keys);
    }
}
