package io.spore.p2p.identify;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.LengthPrefixedDecoder;
import io.spore.p2p.host.PeerInfo;
import io.spore.p2p.host.Streams;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.proto.IdentifyProto;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Identify and identify push (identify/README.md), per host: answers {@value #ID} with our keys,
 * addresses and protocols, asks every new connection the same, and pushes our protocols to
 * connected peers when they change. What peers tell us goes to the sink (the host's peer infos
 * and address book).
 */
public final class IdentifyService {
    public static final String ID = "/ipfs/id/1.0.0";
    public static final String PUSH = "/ipfs/id/push/1.0.0";
    public static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    static final Duration LINGER = Duration.ofSeconds(10);

    private final Host host;
    private final KeyPair identity;
    private final String agent;
    private final Consumer<PeerInfo> sink;

    public IdentifyService(Host host, KeyPair identity, String agent, Consumer<PeerInfo> sink) {
        this.host = host;
        this.identity = identity;
        this.agent = agent;
        this.sink = sink;
        host.handle(ID, (stream, conn) -> {
            stream.writeAndFlush(LengthPrefixedDecoder.encode(stream.alloc(), message(conn).toByteArray()));
            Streams.finish(stream, LINGER);
        });
        host.handle(PUSH, (stream, conn) -> read(stream, conn));
    }

    /** Asks a new connection's peer who it is. */
    public void connected(Connection c) {
        c.openStream(ID).thenAccept(stream -> read(stream, c));
    }

    /** Tells every connected peer our new protocol list. */
    public void protocolsChanged() {
        for (Connection c : host.connections()) {
            c.openStream(PUSH).thenAccept(stream -> {
                stream.writeAndFlush(LengthPrefixedDecoder.encode(stream.alloc(), message(c).toByteArray()));
                Streams.finish(stream, LINGER);
            });
        }
    }

    private void read(Channel stream, Connection c) {
        stream.pipeline().addLast(new LengthPrefixedDecoder(IdentifyReader.MAX_MESSAGE), new IdentifyReader(c, sink));
    }

    IdentifyProto.Identify message(Connection c) {
        IdentifyProto.Identify.Builder b = IdentifyProto.Identify.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION)
                .setAgentVersion(agent)
                .setPublicKey(ByteString.copyFrom(identity.publicKeyProtobuf()))
                .addAllProtocols(host.protocols());
        for (Multiaddr m : host.listenAddresses()) b.addListenAddrs(ByteString.copyFrom(m.bytes()));
        if (c.remoteAddress() != null) b.setObservedAddr(ByteString.copyFrom(c.remoteAddress().bytes()));
        return b.build();
    }
}
