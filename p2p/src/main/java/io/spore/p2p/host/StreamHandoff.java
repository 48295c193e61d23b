package io.spore.p2p.host;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Sits at the end of a freshly negotiated outbound stream until its opener has added handlers:
 * holds what arrives (reading paused), then passes it on and removes itself. Without it, data the
 * peer sends right after the protocol echo (identify does) would fall off the pipeline's tail.
 */
final class StreamHandoff extends ChannelDuplexHandler {
    private static final long MAX_WAIT_MS = 30_000;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private final ArrayDeque<Object> heldEvents = new ArrayDeque<>();
    private boolean inactive;
    private boolean wasAutoRead;
    private long waited;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        wasAutoRead = ctx.channel().config().isAutoRead();
        ctx.channel().config().setAutoRead(false);
        ctx.executor().execute(() -> check(ctx));
    }

    private void check(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) return;
        if (ctx.pipeline().last() != this) {
            release(ctx);
        } else if (!ctx.channel().isOpen() && held.isEmpty() && heldEvents.isEmpty()) {
            ctx.pipeline().remove(this);
        } else if ((waited += 1) > MAX_WAIT_MS) {
            ctx.close();
        } else {
            ctx.executor().schedule(() -> check(ctx), 1, TimeUnit.MILLISECONDS);
        }
    }

    private void release(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(wasAutoRead);
        Object m;
        boolean any = false;
        while ((m = held.poll()) != null) {
            ctx.fireChannelRead(m);
            any = true;
        }
        if (any) ctx.fireChannelReadComplete();
        while ((m = heldEvents.poll()) != null) ctx.fireUserEventTriggered(m);
        if (inactive) ctx.fireChannelInactive();
        ctx.pipeline().remove(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        held.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {}

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        heldEvents.add(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Object m;
        while ((m = held.poll()) != null) ReferenceCountUtil.release(m);
    }
}
