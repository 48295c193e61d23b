package io.spore.p2p.identity;

/**
 * A libp2p peer id (peer-ids spec): the multihash of the protobuf-encoded public key (identity
 * multihash for keys of 42 bytes or less, as Ed25519 keys are). Text forms: base58btc
 * ({@code 12D3KooW...}, what {@link #toString()} gives) and CIDv1 libp2p-key base32
 * ({@code bafz...}); {@link #parse} accepts both.
 *
 * <p>CONTRACT (filled in by the libp2p work): other modules code against these signatures.
 */
public final class PeerId {
    private PeerId() {}

    public static PeerId parse(String text) { throw new UnsupportedOperationException("not implemented yet"); }

    /** From the multihash bytes (as in a /p2p/ multiaddr component or a Kademlia Peer.id). */
    public static PeerId fromBytes(byte[] multihash) { throw new UnsupportedOperationException("not implemented yet"); }

    /** From a protobuf-encoded PublicKey. */
    public static PeerId fromPublicKey(byte[] publicKeyProtobuf) { throw new UnsupportedOperationException("not implemented yet"); }

    /** The multihash bytes. */
    public byte[] bytes() { throw new UnsupportedOperationException("not implemented yet"); }

    /** The CIDv1 base32 form, {@code bafz...}. */
    public String toCidString() { throw new UnsupportedOperationException("not implemented yet"); }
}
