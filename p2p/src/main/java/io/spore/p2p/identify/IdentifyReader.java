package io.spore.p2p.identify;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.PeerInfo;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.proto.IdentifyProto;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the Identify messages of one stream until the peer finishes, merging them as js does
 * (at most 10 messages of 8 KiB), then reports one {@link PeerInfo}.
 */
final class IdentifyReader extends ChannelInboundHandlerAdapter {
    static final int MAX_MESSAGE = 8192;
    static final int MAX_MESSAGES = 10;
    static final int MAX_ADDRS = 64;
    static final int MAX_PROTOCOLS = 256;

    private final Connection connection;
    private final Consumer<PeerInfo> sink;
    private final IdentifyProto.Identify.Builder merged = IdentifyProto.Identify.newBuilder();
    private int messages;
    private boolean reported;

    IdentifyReader(Connection connection, Consumer<PeerInfo> sink) {
        this.connection = connection;
        this.sink = sink;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            if (++messages > MAX_MESSAGES) throw new InvalidProtocolBufferException("more than " + MAX_MESSAGES + " identify messages");
            merged.mergeFrom(ByteBufUtil.getBytes(b));
        } catch (InvalidProtocolBufferException e) {
            ctx.close();
            return;
        } finally {
            b.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            report();
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        report();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void report() {
        if (reported || messages == 0) return;
        reported = true;
        PeerInfo info = toPeerInfo(merged.build(), connection);
        if (info != null) sink.accept(info);
    }

    /** Null when the message names another peer's key. */
    static PeerInfo toPeerInfo(IdentifyProto.Identify m, Connection c) {
        if (m.hasPublicKey() && !c.remotePeer().matches(m.getPublicKey().toByteArray())) return null;
        List<Multiaddr> addrs = new ArrayList<>();
        for (var a : m.getListenAddrsList()) {
            if (addrs.size() >= MAX_ADDRS) break;
            try {
                addrs.add(Multiaddr.decode(a.toByteArray()).withoutPeerId());
            } catch (IllegalArgumentException skipped) {
                // A transport Spore does not know; the other addresses still count.
            }
        }
        LinkedHashSet<String> protocols = new LinkedHashSet<>();
        for (String p : m.getProtocolsList()) {
            if (protocols.size() >= MAX_PROTOCOLS) break;
            protocols.add(p);
        }
        Multiaddr observed = null;
        if (m.hasObservedAddr()) {
            try {
                observed = Multiaddr.decode(m.getObservedAddr().toByteArray());
            } catch (IllegalArgumentException skipped) {
                // unknown transport
            }
        }
        return new PeerInfo(c.remotePeer(), addrs, protocols, m.getAgentVersion(), m.getProtocolVersion(), observed);
    }
}
