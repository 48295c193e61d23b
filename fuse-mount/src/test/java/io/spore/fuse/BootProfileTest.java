package io.spore.fuse;

import io.spore.image.cbor.CborWriter;

import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        return new CborWriter().mapHeader(7)
                .text("chunks").arrayHeader(0)
                .text("format").text("spore-image")
                .text("entries").arrayHeader(1).link(Cid.of(Cid.DAG_CBOR, "page".getBytes()))
                .text("version").uint(1)
                .text("chunkCount").uint(0)
                .text("entryCount").uint(1)
                .text("contentBytes").uint(0)
                .toByteArray();
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
}
