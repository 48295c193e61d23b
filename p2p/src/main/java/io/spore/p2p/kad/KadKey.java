package io.spore.p2p.kad;

import io.spore.p2p.identity.PeerId;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;

/**
 * A point in the Kademlia keyspace: the sha256 of a key's bytes (a peer id's multihash, or a
 * provider key's multihash), so that distance is XOR(sha256(a), sha256(b)) as the spec says.
 */
final class KadKey {
    static final int BITS = 256;

    private final byte[] hash;

    private KadKey(byte[] hash) { this.hash = hash; }

    static KadKey of(byte[] key) {
        try {
            return new KadKey(MessageDigest.getInstance("SHA-256").digest(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static KadKey of(PeerId peer) { return of(peer.bytes()); }

    /** For tests: a key whose hash is {@code hash} itself (32 bytes). */
    static KadKey ofHash(byte[] hash) {
        if (hash.length != 32) throw new IllegalArgumentException("a Kademlia key hash is 32 bytes");
        return new KadKey(hash.clone());
    }

    /** Number of leading bits this key shares with {@code other} (256 when equal). */
    int commonPrefixLength(KadKey other) {
        for (int i = 0; i < hash.length; i++) {
            int x = (hash[i] ^ other.hash[i]) & 0xff;
            if (x != 0) return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
        }
        return BITS;
    }

    /** Compares the distances of {@code a} and {@code b} to this key, unsigned, big-endian. */
    int compareDistance(KadKey a, KadKey b) {
        for (int i = 0; i < hash.length; i++) {
            int da = (a.hash[i] ^ hash[i]) & 0xff;
            int db = (b.hash[i] ^ hash[i]) & 0xff;
            if (da != db) return Integer.compare(da, db);
        }
        return 0;
    }

    Comparator<KadKey> byDistance() { return this::compareDistance; }

    byte[] distance(KadKey other) {
        byte[] d = new byte[hash.length];
        for (int i = 0; i < d.length; i++) d[i] = (byte) (hash[i] ^ other.hash[i]);
        return d;
    }

    @Override public boolean equals(Object o) { return o instanceof KadKey k && Arrays.equals(hash, k.hash); }

    @Override public int hashCode() { return Arrays.hashCode(hash); }

    @Override public String toString() { return HexFormat.of().formatHex(hash, 0, 6); }
}
