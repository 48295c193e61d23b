package io.spore.p2p.ping;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One ping stream to a peer: each {@link #ping} sends 32 random bytes and times their echo. */
public final class Pinger implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Channel stream;
    private byte[] expected;
    private long sentAt;
    private CompletableFuture<Duration> pending;

    Pinger(Channel stream) {
        this.stream = stream;
        stream.pipeline().addLast(new ByteToMessageDecoder() {
            @Override
            protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
                while (in.readableBytes() >= PingService.SIZE) {
                    byte[] got = new byte[PingService.SIZE];
                    in.readBytes(got);
                    CompletableFuture<Duration> p = pending;
                    pending = null;
                    if (p == null) continue;
                    if (Arrays.equals(got, expected)) p.complete(Duration.ofNanos(System.nanoTime() - sentAt));
                    else p.completeExceptionally(new IOException("ping answer does not match what was sent"));
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                CompletableFuture<Duration> p = pending;
                pending = null;
                if (p != null) p.completeExceptionally(new IOException("ping stream closed by the peer"));
                super.channelInactive(ctx);
            }
        });
    }

    /** Sends one ping; only one may be outstanding. */
    public CompletableFuture<Duration> ping() {
        CompletableFuture<Duration> f = new CompletableFuture<>();
        stream.eventLoop().execute(() -> {
            if (pending != null) {
                f.completeExceptionally(new IllegalStateException("a ping is already outstanding on this stream"));
                return;
            }
            if (!stream.isActive()) {
                f.completeExceptionally(new IOException("ping stream is closed"));
                return;
            }
            expected = new byte[PingService.SIZE];
            RANDOM.nextBytes(expected);
            pending = f;
            sentAt = System.nanoTime();
            stream.writeAndFlush(stream.alloc().buffer(PingService.SIZE).writeBytes(expected));
        });
        return f;
    }

    @Override
    public void close() {
        io.spore.p2p.host.Streams.finish(stream, Duration.ofSeconds(1));
    }
}
