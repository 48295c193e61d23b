package io.spore.p2p.ipns;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.proto.IpnsProto.IpnsEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * A signed IPNS record (ipfs/specs ipns/IPNS.md): the name's value ({@code /ipfs/<cid>}), a
 * sequence number, an end of validity and a TTL, in the DAG-CBOR {@code data} field signed with
 * signature V2 over {@code "ipns-signature:" + data}. The legacy protobuf fields carry the same
 * values so V1-era readers agree; V1 signatures are neither written nor trusted.
 */
public final class IpnsRecord {
    /** Records larger than this are refused (the spec's limit). */
    public static final int MAX_SIZE = 10 * 1024;
    private static final byte[] SIGNATURE_PREFIX = "ipns-signature:".getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter RFC3339_NANO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'");

    private final byte[] bytes;
    private final byte[] value;
    private final long sequence;
    private final Instant validity;
    private final long ttlNanos;

    private IpnsRecord(byte[] bytes, byte[] value, long sequence, Instant validity, long ttlNanos) {
        this.bytes = bytes;
        this.value = value;
        this.sequence = sequence;
        this.validity = validity;
        this.ttlNanos = ttlNanos;
    }

    /** Signs a record of {@code key}'s name pointing at {@code value} (for example {@code /ipfs/bafy...}). */
    public static IpnsRecord create(KeyPair key, byte[] value, long sequence, Instant eol, Duration ttl) {
        if (sequence < 0) throw new IllegalArgumentException("sequence must not be negative");
        byte[] validity = RFC3339_NANO.format(eol.atOffset(ZoneOffset.UTC)).getBytes(StandardCharsets.US_ASCII);
        long ttlNanos = ttl.toNanos();
        byte[] data = IpnsCbor.encode(new IpnsCbor.Data(value, validity, 0, sequence, ttlNanos));
        byte[] sig = key.sign(signed(data));
        IpnsEntry e = IpnsEntry.newBuilder()
                .setValue(ByteString.copyFrom(value))
                .setValidityType(IpnsEntry.ValidityType.EOL)
                .setValidity(ByteString.copyFrom(validity))
                .setSequence(sequence)
                .setTtl(ttlNanos)
                .setSignatureV2(ByteString.copyFrom(sig))
                .setData(ByteString.copyFrom(data))
                .build();
        byte[] bytes = e.toByteArray();
        if (bytes.length > MAX_SIZE) throw new IllegalArgumentException("the record would be " + bytes.length + " bytes, over the " + MAX_SIZE + " allowed: shorten the value");
        return new IpnsRecord(bytes, value.clone(), sequence, eol, ttlNanos);
    }

    public static IpnsRecord create(KeyPair key, Cid target, long sequence, Instant eol, Duration ttl) {
        return create(key, ("/ipfs/" + target).getBytes(StandardCharsets.US_ASCII), sequence, eol, ttl);
    }

    /**
     * Checks {@code bytes} as a record of {@code name} at time {@code now}: size, V2 signature by
     * the name's key, data matching the protobuf fields, validity not passed. The only way to get
     * an IpnsRecord from bytes.
     */
    public static IpnsRecord validate(IpnsName name, byte[] bytes, Instant now) throws IpnsException {
        if (bytes.length > MAX_SIZE) throw new IpnsException("record of " + bytes.length + " bytes is over the " + MAX_SIZE + " an IPNS record may have");
        IpnsEntry e;
        try {
            e = IpnsEntry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException x) {
            throw new IpnsException("not an IPNS record (" + x.getMessage() + ")");
        }
        if (!e.hasSignatureV2() || !e.hasData()) throw new IpnsException("record has no V2 signature: records signed only with V1 are refused");
        byte[] pub = e.hasPubKey() ? e.getPubKey().toByteArray() : name.peer().inlinedPublicKey();
        if (pub == null) throw new IpnsException("record carries no public key and the name " + name + " does not inline one");
        if (e.hasPubKey() && !name.peer().matches(pub)) throw new IpnsException("record's public key is not the key of " + name + ": it was signed for another name");
        byte[] data = e.getData().toByteArray();
        if (!KeyPair.verify(pub, signed(data), e.getSignatureV2().toByteArray())) {
            throw new IpnsException("record's signature is not valid for " + name + ": it was forged, altered, or signed for another name");
        }
        IpnsCbor.Data d = IpnsCbor.decode(data);
        if ((e.hasValue() && !Arrays.equals(e.getValue().toByteArray(), d.value()))
                || (e.hasValidity() && !Arrays.equals(e.getValidity().toByteArray(), d.validity()))
                || (e.hasValidityType() && e.getValidityType().getNumber() != d.validityType())
                || (e.hasSequence() && e.getSequence() != d.sequence())
                || (e.hasTtl() && e.getTtl() != d.ttl())) {
            throw new IpnsException("record's protobuf fields differ from its signed data: it was altered");
        }
        if (d.validityType() != 0) throw new IpnsException("record has validity type " + d.validityType() + ": only EOL (0) is known");
        Instant eol;
        try {
            eol = OffsetDateTime.parse(new String(d.validity(), StandardCharsets.US_ASCII), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException x) {
            throw new IpnsException("record's validity is not an RFC 3339 time");
        }
        if (!eol.isAfter(now)) throw new IpnsException("record of " + name + " expired at " + eol + ": the publisher must publish it again");
        return new IpnsRecord(bytes.clone(), d.value(), d.sequence(), eol, d.ttl());
    }

    private static byte[] signed(byte[] data) {
        byte[] m = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + data.length);
        System.arraycopy(data, 0, m, SIGNATURE_PREFIX.length, data.length);
        return m;
    }

    /** The record as it travels and is stored (protobuf IpnsEntry). */
    public byte[] bytes() { return bytes.clone(); }

    public byte[] value() { return value.clone(); }

    public long sequence() { return sequence; }

    public Instant validity() { return validity; }

    public Duration ttl() { return Duration.ofNanos(ttlNanos); }

    /** The image the record points at: its value must be {@code /ipfs/<cid>}. */
    public Cid target() throws IpnsException {
        String v = new String(value, StandardCharsets.UTF_8);
        if (!v.startsWith("/ipfs/")) throw new IpnsException("record points at '" + abbreviate(v) + "', not at /ipfs/<cid>");
        String rest = v.substring("/ipfs/".length());
        int slash = rest.indexOf('/');
        if (slash >= 0) throw new IpnsException("record points at a path inside an image ('" + abbreviate(v) + "'): Spore names point at image roots");
        try {
            return Cid.parse(rest);
        } catch (IllegalArgumentException x) {
            throw new IpnsException("record points at '" + abbreviate(v) + "', which is not a CID");
        }
    }

    /** True when this record wins over {@code other}: higher sequence, or the same sequence and a later end of validity. */
    public boolean betterThan(IpnsRecord other) {
        if (sequence != other.sequence) return Long.compareUnsigned(sequence, other.sequence) > 0;
        if (!validity.equals(other.validity)) return validity.isAfter(other.validity);
        return Arrays.compareUnsigned(bytes, other.bytes) > 0; // any total order, so all nodes pick the same one
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
