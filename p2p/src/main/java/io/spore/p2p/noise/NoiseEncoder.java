package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.PromiseNotifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Noise transport messages out. Writes are held until flush and then sealed together into
 * maximal frames (65,519 bytes of plaintext each), so the small Yamux headers never cost a Noise
 * frame (and a tag) of their own.
 */
final class NoiseEncoder extends ChannelOutboundHandlerAdapter {
    static final int MAX_PLAINTEXT = 65535 - CipherState.TAG;

    private final CipherState cipher;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private final List<ChannelPromise> promises = new ArrayList<>();
    private long pendingBytes;

    NoiseEncoder(CipherState cipher) {
        this.cipher = cipher;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf buf)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            promise.setFailure(new IllegalArgumentException("Noise carries ByteBufs only, got " + msg.getClass().getName()));
            return;
        }
        if (!buf.isReadable()) {
            buf.release();
            promise.trySuccess();
            return;
        }
        pending.add(buf);
        pendingBytes += buf.readableBytes();
        if (!promise.isVoid()) promises.add(promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (pendingBytes > 0) seal(ctx);
        ctx.flush();
    }

    private void seal(ChannelHandlerContext ctx) {
        ChannelPromise all = ctx.newPromise();
        if (!promises.isEmpty()) {
            all.addListener(new PromiseNotifier<>(false, promises.toArray(new ChannelPromise[0])));
            promises.clear();
        }
        io.netty.util.concurrent.PromiseCombiner combiner = new io.netty.util.concurrent.PromiseCombiner(ctx.executor());
        try {
            while (pendingBytes > 0) {
                int chunk = (int) Math.min(MAX_PLAINTEXT, pendingBytes);
                // One pooled direct buffer per frame: the socket takes it without a copy, and
                // frame-sized buffers stay within the allocator's pooled sizes.
                ByteBuf out = ctx.alloc().directBuffer(2 + chunk + CipherState.TAG);
                try {
                    sealOne(out, chunk);
                } catch (RuntimeException e) {
                    out.release();
                    throw e;
                }
                combiner.add(ctx.write(out));
            }
        } finally {
            combiner.finish(all);
        }
    }

    /** Seals the next {@code chunk} pending bytes as one frame into {@code out}, straight from the pending buffers. */
    private void sealOne(ByteBuf out, int chunk) {
        out.writeShort(chunk + CipherState.TAG);
        cipher.beginSeal();
        int left = chunk;
        while (left > 0) {
            ByteBuf b = pending.peek();
            int take = Math.min(b.readableBytes(), left);
            cipher.sealPart(b, b.readerIndex(), take, out);
            left -= take;
            consume(take);
        }
        cipher.endSeal(out);
    }

    private void consume(int bytes) {
        pendingBytes -= bytes;
        while (bytes > 0) {
            ByteBuf b = pending.peek();
            int take = Math.min(bytes, b.readableBytes());
            b.skipBytes(take);
            bytes -= take;
            if (!b.isReadable()) pending.poll().release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ByteBuf b;
        while ((b = pending.poll()) != null) b.release();
        pendingBytes = 0;
        Throwable closed = new java.nio.channels.ClosedChannelException();
        for (ChannelPromise p : promises) p.tryFailure(closed);
        promises.clear();
    }
}
