package io.spore.p2p.kad;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.proto.KadProto.Message;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of {@code /ipfs/kad/1.0.0}: each message is a uvarint length and a protobuf
 * {@link Message}. Everything read from a peer is bounded here: message size, peers per list,
 * addresses per peer, address length; peers or addresses that do not parse are skipped, not fatal.
 */
final class KadCodec {
    /** Largest message accepted or sent (go-libp2p-kad-dht allows 4 MiB; ours carry peer lists only). */
    static final int MAX_MESSAGE = 64 * 1024;
    /** Provider keys are multihashes; the spec lets servers refuse longer keys. */
    static final int MAX_PROVIDER_KEY = 80;
    /** Record keys are a namespace and a multihash ({@code /ipns/<peer id>}). */
    static final int MAX_RECORD_KEY = 256;
    static final int MAX_PEERS_PER_LIST = 64;
    static final int MAX_ADDRS_PER_PEER = 16;
    static final int MAX_ADDR_BYTES = 256;

    private KadCodec() {}

    /** Parses one message body (without its length prefix). */
    static Message parse(byte[] body) throws KadException {
        if (body.length > MAX_MESSAGE) throw new KadException("kad message of " + body.length + " bytes exceeds " + MAX_MESSAGE);
        try {
            CodedInputStream in = CodedInputStream.newInstance(body);
            in.setRecursionLimit(8);
            in.setSizeLimit(MAX_MESSAGE);
            Message m = Message.parseFrom(in);
            if (m.getType() == Message.MessageType.UNRECOGNIZED) throw new KadException("kad message of unknown type " + m.getTypeValue());
            return m;
        } catch (IOException e) {
            throw new KadException("malformed kad message: " + e.getMessage());
        }
    }

    /** The length-prefixed frame of {@code m}. */
    static ByteBuf frame(ByteBufAllocator alloc, Message m) {
        int size = m.getSerializedSize();
        if (size > MAX_MESSAGE) throw new IllegalArgumentException("kad message of " + size + " bytes exceeds " + MAX_MESSAGE);
        ByteBuf buf = alloc.buffer(size + 5);
        int v = size;
        while ((v & ~0x7f) != 0) {
            buf.writeByte((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf.writeByte(v);
        buf.writeBytes(m.toByteArray());
        return buf;
    }

    static Message.Peer toProto(PeerAddresses p) {
        Message.Peer.Builder b = Message.Peer.newBuilder().setId(ByteString.copyFrom(p.peer().bytes()));
        int n = 0;
        for (Multiaddr a : p.addresses()) {
            if (n++ >= MAX_ADDRS_PER_PEER) break;
            b.addAddrs(ByteString.copyFrom(a.withoutPeerId().bytes()));
        }
        return b.build();
    }

    /** The peers of a list that parse, at most {@link #MAX_PEERS_PER_LIST}; others are skipped. */
    static List<PeerAddresses> fromProto(List<Message.Peer> peers) {
        List<PeerAddresses> out = new ArrayList<>(Math.min(peers.size(), MAX_PEERS_PER_LIST));
        for (Message.Peer p : peers) {
            if (out.size() >= MAX_PEERS_PER_LIST) break;
            PeerAddresses info = fromProto(p);
            if (info != null) out.add(info);
        }
        return out;
    }

    /** One peer, or null when its id does not parse. Addresses that do not parse are dropped. */
    static PeerAddresses fromProto(Message.Peer p) {
        PeerId id;
        try {
            id = PeerId.fromBytes(p.getId().toByteArray());
        } catch (RuntimeException e) {
            return null;
        }
        List<Multiaddr> addrs = new ArrayList<>();
        for (ByteString a : p.getAddrsList()) {
            if (addrs.size() >= MAX_ADDRS_PER_PEER) break;
            if (a.size() > MAX_ADDR_BYTES) continue;
            try {
                Multiaddr ma = Multiaddr.decode(a.toByteArray());
                PeerId inAddr = ma.peerId();
                if (inAddr != null && !inAddr.equals(id)) continue;
                addrs.add(ma.withoutPeerId());
            } catch (RuntimeException e) {
                // An address we cannot read is useless, not hostile: skip it.
            }
        }
        return new PeerAddresses(id, addrs);
    }
}
