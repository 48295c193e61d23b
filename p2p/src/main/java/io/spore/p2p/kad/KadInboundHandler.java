package io.spore.p2p.kad;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.proto.KadProto.Message;

import java.util.concurrent.TimeUnit;

/**
 * Serves one inbound kad stream: reads requests one after another (several per stream are
 * allowed) and writes each reply. A malformed request or a silent peer ends this stream only.
 */
final class KadInboundHandler extends SimpleChannelInboundHandler<byte[]> {
    /** How long a stream may sit idle between requests (js uses 10 s as well). */
    static final int IDLE_SECONDS = 10;

    private final KadServer server;
    private final PeerId remote;

    KadInboundHandler(KadServer server, PeerId remote) {
        this.server = server;
        this.remote = remote;
    }

    static void install(io.netty.channel.Channel stream, KadServer server, PeerId remote) {
        stream.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS),
                new KadFrameDecoder(), new KadInboundHandler(server, remote));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, byte[] body) throws KadException {
        if (!ctx.channel().isWritable()) {
            // Replies are piling up unread: a peer that asks without reading loses its stream
            // rather than our memory.
            ctx.close();
            return;
        }
        Message reply = server.handle(remote, KadCodec.parse(body));
        if (reply != null) ctx.writeAndFlush(KadCodec.frame(ctx.alloc(), reply));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete) {
            // The peer sent its last request: close once the replies already queued are out.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
