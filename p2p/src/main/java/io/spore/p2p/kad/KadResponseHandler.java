package io.spore.p2p.kad;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.spore.p2p.proto.KadProto.Message;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** The client side of one request on an outbound kad stream: completes with the first reply. */
final class KadResponseHandler extends SimpleChannelInboundHandler<byte[]> {
    private final CompletableFuture<Message> reply;

    KadResponseHandler(CompletableFuture<Message> reply) { this.reply = reply; }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, byte[] body) {
        try {
            reply.complete(KadCodec.parse(body));
        } catch (KadException e) {
            reply.completeExceptionally(e);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reply.completeExceptionally(new IOException("kad stream closed before the reply"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        reply.completeExceptionally(cause);
        ctx.close();
    }
}
