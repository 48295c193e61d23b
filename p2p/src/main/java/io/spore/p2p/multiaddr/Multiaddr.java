package io.spore.p2p.multiaddr;

/**
 * A multiaddr (multiformats/multiaddr): text {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...} or
 * binary (repeated varint code + value). Supports ip4, ip6, tcp, udp, dns, dns4, dns6, dnsaddr, p2p.
 *
 * <p>CONTRACT (filled in by the libp2p work): other modules code against these signatures.
 */
public final class Multiaddr {
    private Multiaddr() {}

    public static Multiaddr parse(String text) { throw new UnsupportedOperationException("not implemented yet"); }

    public static Multiaddr decode(byte[] bytes) { throw new UnsupportedOperationException("not implemented yet"); }

    public byte[] bytes() { throw new UnsupportedOperationException("not implemented yet"); }

    /** The peer id of a trailing /p2p/ component, or null. */
    public io.spore.p2p.identity.PeerId peerId() { throw new UnsupportedOperationException("not implemented yet"); }

    /** This address without a trailing /p2p/ component. */
    public Multiaddr withoutPeerId() { throw new UnsupportedOperationException("not implemented yet"); }

    /** This address with /p2p/{@code peer} appended (replacing one already there). */
    public Multiaddr withPeerId(io.spore.p2p.identity.PeerId peer) { throw new UnsupportedOperationException("not implemented yet"); }
}
