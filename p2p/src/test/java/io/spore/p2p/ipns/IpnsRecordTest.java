package io.spore.p2p.ipns;

import com.google.protobuf.ByteString;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.proto.IpnsProto.IpnsEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

class IpnsRecordTest {
    static final Instant NOW = Instant.parse("2026-11-22T06:00:00Z");
    final KeyPair key = KeyPair.fromSeed(new byte[32]);
    final IpnsName name = new IpnsName(key.peerId());
    final Cid image = Cid.of(Cid.DAG_CBOR, "an image".getBytes());

    IpnsRecord record(long seq, Instant eol) {
        return IpnsRecord.create(key, image, seq, eol, Duration.ofMinutes(5));
    }

    @Test
    void signedRecordValidatesAndPointsAtTheImage() throws Exception {
        IpnsRecord r = record(7, NOW.plusSeconds(3600));
        IpnsRecord back = IpnsRecord.validate(name, r.bytes(), NOW);
        assertEquals(7, back.sequence());
        assertEquals(image, back.target());
        assertEquals(NOW.plusSeconds(3600), back.validity());
        assertEquals(Duration.ofMinutes(5), back.ttl());
        IpnsEntry e = IpnsEntry.parseFrom(r.bytes());
        assertEquals("2026-11-22T07:00:00.000000000Z", e.getValidity().toStringUtf8());
        assertEquals("/ipfs/" + image, e.getValue().toStringUtf8());
        assertFalse(e.hasSignatureV1());
    }

    @Test
    void dataIsCanonicalDagCbor() throws Exception {
        IpnsEntry e = IpnsEntry.parseFrom(record(1, NOW.plusSeconds(60)).bytes());
        String hex = HexFormat.of().formatHex(e.getData().toByteArray());
        // map(5), keys sorted by length then bytes: TTL, Value, Sequence, Validity, ValidityType
        assertTrue(hex.startsWith("a5" + "63" + hex("TTL") + "1b" + String.format("%016x", Duration.ofMinutes(5).toNanos())
                + "65" + hex("Value") + "58"), hex);
        int seq = hex.indexOf("68" + hex("Sequence"));
        int val = hex.indexOf("68" + hex("Validity"));
        int vt = hex.indexOf("6c" + hex("ValidityType"));
        assertTrue(seq > 0 && val > seq && vt > val, hex);
        assertTrue(hex.endsWith("6c" + hex("ValidityType") + "00"), hex);
        assertEquals("01", hex.substring(seq + 18, seq + 20), "Sequence 1 as a one-byte uint");
    }

    static String hex(String s) { return HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII)); }

    @Test
    void expiredRecordIsRefused() {
        IpnsRecord r = record(3, NOW.minusSeconds(1));
        IpnsException e = assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, r.bytes(), NOW));
        assertTrue(e.getMessage().contains("expired at 2026-11-22T05:59:59Z"), e.getMessage());
    }

    @Test
    void recordOfAnotherKeyIsRefused() {
        KeyPair other = KeyPair.generate();
        byte[] foreign = IpnsRecord.create(other, image, 9, NOW.plusSeconds(60), Duration.ZERO).bytes();
        IpnsException e = assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, foreign, NOW));
        assertTrue(e.getMessage().contains("signature is not valid for " + name), e.getMessage());
    }

    @Test
    void embeddedPublicKeyOfAnotherKeyIsRefused() throws Exception {
        KeyPair other = KeyPair.generate();
        byte[] b = IpnsEntry.parseFrom(IpnsRecord.create(other, image, 9, NOW.plusSeconds(60), Duration.ZERO).bytes()).toBuilder()
                .setPubKey(ByteString.copyFrom(other.publicKeyProtobuf())).build().toByteArray();
        IpnsException e = assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, b, NOW));
        assertTrue(e.getMessage().contains("signed for another name"), e.getMessage());
    }

    @Test
    void forgedDataIsRefused() throws Exception {
        IpnsEntry e = IpnsEntry.parseFrom(record(1, NOW.plusSeconds(60)).bytes());
        byte[] data = e.getData().toByteArray();
        data[data.length - 1 - 40] ^= 1; // a bit inside the validity: the attacker extends the record
        byte[] forged = e.toBuilder().setData(ByteString.copyFrom(data)).build().toByteArray();
        IpnsException x = assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, forged, NOW));
        assertTrue(x.getMessage().contains("forged"), x.getMessage());
    }

    @Test
    void protobufFieldsThatDisagreeWithSignedDataAreRefused() throws Exception {
        IpnsEntry e = IpnsEntry.parseFrom(record(1, NOW.plusSeconds(60)).bytes());
        byte[] b = e.toBuilder().setValue(ByteString.copyFromUtf8("/ipfs/" + Cid.of(Cid.DAG_CBOR, "evil".getBytes()))).build().toByteArray();
        IpnsException x = assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, b, NOW));
        assertTrue(x.getMessage().contains("differ from its signed data"), x.getMessage());
    }

    @Test
    void v1OnlyRecordIsRefused() throws Exception {
        IpnsEntry e = IpnsEntry.parseFrom(record(1, NOW.plusSeconds(60)).bytes());
        byte[] b = e.toBuilder().clearSignatureV2().clearData().setSignatureV1(ByteString.copyFrom(new byte[64])).build().toByteArray();
        IpnsException x = assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, b, NOW));
        assertTrue(x.getMessage().contains("no V2 signature"), x.getMessage());
    }

    @Test
    void garbageAndOversizeAreRefused() {
        assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, new byte[]{(byte) 0xff, 1, 2}, NOW));
        IpnsException big = assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, new byte[IpnsRecord.MAX_SIZE + 1], NOW));
        assertTrue(big.getMessage().contains("over the 10240"), big.getMessage());
    }

    @Test
    void higherSequenceWinsThenLaterValidity() {
        IpnsRecord a = record(1, NOW.plusSeconds(600));
        IpnsRecord b = record(2, NOW.plusSeconds(60));
        IpnsRecord c = record(2, NOW.plusSeconds(120));
        assertTrue(b.betterThan(a));
        assertFalse(a.betterThan(b));
        assertTrue(c.betterThan(b));
        assertFalse(b.betterThan(c));
        assertFalse(c.betterThan(c));
    }

    @Test
    void targetMustBeAnIpfsPathOfACid() throws Exception {
        IpnsRecord path = IpnsRecord.validate(name, IpnsRecord.create(key, "/ipns/elsewhere".getBytes(), 1, NOW.plusSeconds(60), Duration.ZERO).bytes(), NOW);
        assertTrue(assertThrows(IpnsException.class, path::target).getMessage().contains("not at /ipfs/<cid>"));
        IpnsRecord sub = IpnsRecord.validate(name, IpnsRecord.create(key, ("/ipfs/" + image + "/etc").getBytes(), 1, NOW.plusSeconds(60), Duration.ZERO).bytes(), NOW);
        assertTrue(assertThrows(IpnsException.class, sub::target).getMessage().contains("path inside an image"));
        IpnsRecord junk = IpnsRecord.validate(name, IpnsRecord.create(key, "/ipfs/nope".getBytes(), 1, NOW.plusSeconds(60), Duration.ZERO).bytes(), NOW);
        assertTrue(assertThrows(IpnsException.class, junk::target).getMessage().contains("not a CID"));
    }

    @Test
    void nameIsBase36LibP2pKeyCidAndRoundTrips() {
        String text = name.toString();
        assertTrue(text.startsWith("k51qzi5uqu5"), text);
        assertEquals(name, IpnsName.parse(text));
        assertEquals(name, IpnsName.parse("/ipns/" + text));
        assertEquals(name, IpnsName.parse(key.peerId().toString()));
        assertEquals(name, IpnsName.parse(key.peerId().toCidString()));
        assertEquals(name, IpnsName.fromRoutingKey(name.routingKey()));
        assertEquals(name.peer(), PeerId.parse(key.peerId().toCidString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpnsName.parse("k51notbase36!"));
        assertTrue(e.getMessage().contains("give the k51... name"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpnsName.parse(image.toString()));
    }
}
