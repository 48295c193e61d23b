package io.spore.p2p.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Yamux stream over Noise on loopback, Spore to Spore: the sender writes {@code bytes} as fast
 * as the stream lets it; the receiver counts and answers FIN with one byte. Prints MB/s.
 * Run: tests/bench/p2p-bench (which also runs the raw-TCP and js-libp2p baselines).
 */
public final class ThroughputBench {
    static final String SINK = "/spore/bench/sink/1.0.0";

    public static void main(String[] args) throws Exception {
        long bytes = args.length > 0 ? Long.parseLong(args[0]) : 1L << 30;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (Host a = Hosts.start(HostConfig.defaults(KeyPair.generate()));
             Host b = Hosts.start(HostConfig.defaults(KeyPair.generate()))) {
            b.handle(SINK, (stream, conn) -> stream.pipeline().addLast(new Sink()));
            Connection c = a.connect(b.listenAddresses().getFirst().withPeerId(b.peerId())).get(10, TimeUnit.SECONDS);
            send(c, 64L << 20); // warm-up
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                send(c, bytes);
                double s = (System.nanoTime() - t) / 1e9;
                System.out.printf("spore->spore one yamux stream over noise: %.0f MB/s (%d MiB in %.2f s)%n", bytes / s / 1e6, bytes >> 20, s);
            }
        }
    }

    static void send(Connection c, long bytes) throws Exception {
        Channel s = c.openStream(SINK).get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                done.complete(null);
            }
        });
        ByteBuf chunk = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[256 * 1024]));
        long[] left = {bytes};
        s.eventLoop().execute(new Runnable() {
            @Override public void run() {
                while (left[0] > 0 && s.isWritable()) {
                    int n = (int) Math.min(chunk.capacity(), left[0]);
                    s.write(chunk.retainedSlice(0, n));
                    left[0] -= n;
                }
                s.flush();
                if (left[0] > 0) {
                    s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                            if (ctx.channel().isWritable()) {
                                ctx.pipeline().remove(this);
                                run();
                            }
                        }
                    });
                } else {
                    ((DuplexChannel) s).shutdownOutput();
                }
            }
        });
        done.get(600, TimeUnit.SECONDS);
        s.close();
    }

    static final class Sink extends ChannelInboundHandlerAdapter {
        long got;

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            got += b.readableBytes();
            b.release();
        }

        @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{1})).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
