package io.spore.p2p.identity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

class PeerIdTest {
    static final String B58 = "12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7";
    static final String CID = "bafzaajaiaejcb2sknrr6fhcsbk7pkud3cmxml6mvi53k5pv6pojeehxknekenurm";

    static KeyPair seven() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 7);
        return KeyPair.fromSeed(seed);
    }

    @Test void seedVectorGivesBothTextForms() {
        KeyPair kp = seven();
        assertTrue(HexFormat.of().formatHex(kp.publicKeyProtobuf()).startsWith("08011220ea4a6c63"));
        assertEquals(B58, kp.peerId().toString());
        assertEquals(CID, kp.peerId().toCidString());
    }

    @Test void parsesBothFormsToTheSameId() {
        PeerId a = PeerId.parse(B58), b = PeerId.parse(CID);
        assertEquals(a, b);
        assertEquals(B58, b.toString());
        assertEquals(CID, a.toCidString());
        assertArrayEquals(seven().publicKeyProtobuf(), a.inlinedPublicKey());
        assertEquals(a, PeerId.fromBytes(a.bytes()));
    }

    @Test void parsesHashedRsaStyleIds() {
        PeerId q = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        assertEquals("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", q.toString());
        assertNull(q.inlinedPublicKey());
        assertEquals(q, PeerId.parse(q.toCidString()));
    }

    @Test void refusesGarbageWithAHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> PeerId.parse("12D3Koo0OO"));
        assertTrue(e.getMessage().contains("12D3KooW"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerId.parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"));
        assertThrows(IllegalArgumentException.class, () -> PeerId.fromBytes(new byte[]{0x11, 0x01, 0x00}));
    }

    @Test void signaturesVerifyAndTamperingFails() {
        KeyPair kp = seven();
        byte[] msg = "hello".getBytes();
        byte[] sig = kp.sign(msg);
        assertTrue(KeyPair.verify(kp.publicKeyProtobuf(), msg, sig));
        sig[0] ^= 1;
        assertFalse(KeyPair.verify(kp.publicKeyProtobuf(), msg, sig));
    }

    @Test void identityFileIsCreatedOnceWithMode0600(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        KeyPair a = IdentityFile.loadOrCreate(data);
        Path f = data.resolve(IdentityFile.NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        KeyPair b = IdentityFile.loadOrCreate(data);
        assertEquals(a.peerId(), b.peerId());
        assertArrayEquals(a.privateKeyProtobuf(), Files.readAllBytes(f));
        assertEquals(1, Files.list(data).count());
        KeyPair round = KeyPair.fromPrivateKeyProtobuf(seven().privateKeyProtobuf());
        assertEquals(B58, round.peerId().toString());
    }

    @Test void corruptIdentityFileSaysWhatToDo(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve(IdentityFile.NAME), new byte[]{1, 2, 3});
        var e = assertThrows(java.io.IOException.class, () -> IdentityFile.loadOrCreate(dir));
        assertTrue(e.getMessage().contains("move it away"), e.getMessage());
    }
}
