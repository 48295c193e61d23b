package io.spore.p2p.host;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/** Test protocol: writes back what it reads, half-closes after the peer does; pauses reading while the echo cannot be written. */
public final class EchoHandler extends ChannelInboundHandlerAdapter {
    public static final String PROTOCOL = "/spore/test/echo/1.0.0";

    public static void install(Host host) {
        host.handle(PROTOCOL, (stream, conn) -> stream.pipeline().addLast(new EchoHandler()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.flush();
            ((DuplexChannel) ctx.channel()).shutdownOutput();
        }
    }
}
