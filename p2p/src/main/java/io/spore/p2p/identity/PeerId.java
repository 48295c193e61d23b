package io.spore.p2p.identity;

import io.spore.p2p.multiformats.Base58;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Multihash;

import java.util.Arrays;

/**
 * A libp2p peer id (peer-ids spec): the multihash of the protobuf-encoded public key (identity
 * multihash for keys of 42 bytes or less, as Ed25519 keys are). Text forms: base58btc
 * ({@code 12D3KooW...}, what {@link #toString()} gives) and CIDv1 libp2p-key base32
 * ({@code bafz...}); {@link #parse} accepts both.
 */
public final class PeerId implements Comparable<PeerId> {
    /** Public keys up to this size are inlined with the identity multihash (peer-ids spec). */
    static final int MAX_INLINE_KEY = 42;

    private final byte[] bytes;
    private final int hash;

    private PeerId(byte[] multihash) {
        this.bytes = multihash;
        this.hash = Arrays.hashCode(multihash);
    }

    public static PeerId parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty peer id: give a 12D3KooW... or bafz... peer id");
        try {
            if (text.startsWith("1") || text.startsWith("Qm")) return fromBytes(Base58.decode(text));
            Cid cid = Cid.parse(text);
            if (cid.version() != 1 || cid.codec() != Cid.LIBP2P_KEY) {
                throw new IllegalArgumentException("CID codec is not libp2p-key");
            }
            return fromBytes(cid.multihash().bytes());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a peer id: " + abbreviate(text) + " (" + e.getMessage()
                    + "): give a 12D3KooW... or bafz... peer id", e);
        }
    }

    /** From the multihash bytes (as in a /p2p/ multiaddr component or a Kademlia Peer.id). */
    public static PeerId fromBytes(byte[] multihash) {
        Multihash mh = Multihash.decode(multihash);
        if (mh.code() == Multihash.IDENTITY) {
            if (mh.digest().length > MAX_INLINE_KEY) throw new IllegalArgumentException("identity multihash longer than 42 bytes");
        } else if (mh.code() != Multihash.SHA2_256) {
            throw new IllegalArgumentException("peer id multihash must be identity or sha2-256");
        }
        return new PeerId(multihash.clone());
    }

    /** From a protobuf-encoded PublicKey. */
    public static PeerId fromPublicKey(byte[] publicKeyProtobuf) {
        Multihash mh = publicKeyProtobuf.length <= MAX_INLINE_KEY
                ? Multihash.identity(publicKeyProtobuf)
                : Multihash.sha256(publicKeyProtobuf);
        return new PeerId(mh.bytes());
    }

    /** The multihash bytes. */
    public byte[] bytes() { return bytes.clone(); }

    /** The CIDv1 base32 form, {@code bafz...}. */
    public String toCidString() {
        return Cid.v1(Cid.LIBP2P_KEY, Multihash.decode(bytes)).toString();
    }

    /** The public key protobuf inlined in an identity-multihash id, or null for hashed ids. */
    public byte[] inlinedPublicKey() {
        Multihash mh = Multihash.decode(bytes);
        return mh.code() == Multihash.IDENTITY ? mh.digest() : null;
    }

    /** True when {@code publicKeyProtobuf} is the key this id names. */
    public boolean matches(byte[] publicKeyProtobuf) {
        return Arrays.equals(bytes, fromPublicKey(publicKeyProtobuf).bytes);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    @Override public String toString() { return Base58.encode(bytes); }

    @Override public boolean equals(Object o) { return o instanceof PeerId p && Arrays.equals(bytes, p.bytes); }

    @Override public int hashCode() { return hash; }

    @Override public int compareTo(PeerId o) { return Arrays.compareUnsigned(bytes, o.bytes); }

}
