package io.spore.p2p.ipns;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Base36;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Multihash;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An IPNS name: the peer id of the key that signs its records. Printed as a CIDv1 of codec
 * libp2p-key in base36 ({@code k51...} for Ed25519), as IPFS writes names; its DHT key is
 * {@code /ipns/} followed by the peer id's multihash bytes.
 */
public record IpnsName(PeerId peer) {
    private static final byte[] PREFIX = "/ipns/".getBytes(StandardCharsets.US_ASCII);

    public IpnsName {
        if (peer == null) throw new IllegalArgumentException("an IPNS name needs a peer id");
    }

    /** True when {@code text} is written as a name ({@code k51...}, {@code /ipns/...}) rather than an image key. */
    public static boolean looksLikeName(String text) {
        return text.startsWith("k51") || text.startsWith("/ipns/");
    }

    /** Parses {@code k51...} (or {@code /ipns/k51...}); also the base32 {@code bafz...} and {@code 12D3KooW...} forms. */
    public static IpnsName parse(String text) {
        String s = text.startsWith("/ipns/") ? text.substring("/ipns/".length()) : text;
        try {
            if (s.startsWith("12D3KooW")) return new IpnsName(PeerId.parse(s));
            Cid cid = Cid.parse(s);
            if (cid.version() != 1 || cid.codec() != Cid.LIBP2P_KEY) throw new IllegalArgumentException("its CID codec is not libp2p-key");
            return new IpnsName(PeerId.fromBytes(cid.multihash().bytes()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + abbreviate(text) + "' is not an IPNS name: give the k51... name that 'container name create' printed");
        }
    }

    /** The DHT key: {@code /ipns/} and the multihash bytes of the peer id. */
    public byte[] routingKey() {
        byte[] id = peer.bytes();
        byte[] key = Arrays.copyOf(PREFIX, PREFIX.length + id.length);
        System.arraycopy(id, 0, key, PREFIX.length, id.length);
        return key;
    }

    public static boolean isRoutingKey(byte[] key) {
        return key.length > PREFIX.length && Arrays.equals(key, 0, PREFIX.length, PREFIX, 0, PREFIX.length);
    }

    /** The name a DHT key stands for. */
    public static IpnsName fromRoutingKey(byte[] key) {
        if (!isRoutingKey(key)) throw new IllegalArgumentException("not an /ipns/ key");
        return new IpnsName(PeerId.fromBytes(Arrays.copyOfRange(key, PREFIX.length, key.length)));
    }

    @Override public String toString() {
        return "k" + Base36.encode(Cid.v1(Cid.LIBP2P_KEY, Multihash.decode(peer.bytes())).bytes());
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
