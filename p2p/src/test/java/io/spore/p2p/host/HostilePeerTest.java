package io.spore.p2p.host;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multistream.MultistreamHandler;
import io.spore.p2p.noise.NoiseHandshakeHandler;
import io.spore.p2p.ping.PingService;
import io.spore.p2p.ping.Pinger;
import io.spore.p2p.yamux.YamuxConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A peer that completes the secure handshake and then writes raw, hostile Yamux frames. Each
 * case checks that it loses its own connection (or its stream) while a well-behaved peer
 * connected to the same host keeps working, and that the host's buffering stays within the
 * windows it granted.
 */
class HostilePeerTest {
    static final String SILENT = "/spore/test/silent/1.0.0";
    private Host host, good;
    private EventLoopGroup group;
    private Connection goodConnection;

    @BeforeEach void start() throws Exception {
        host = Hosts.start(HostConfig.defaults(KeyPair.generate()).withYamux(YamuxConfig.defaults().withMaxInboundStreams(100)));
        // A protocol whose handler never reads: a slow reader.
        host.handle(SILENT, (stream, conn) -> stream.config().setAutoRead(false));
        good = Hosts.start(HostConfig.defaults(KeyPair.generate()));
        goodConnection = good.connect(host.listenAddresses().getFirst().withPeerId(host.peerId())).get(10, TimeUnit.SECONDS);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        good.close();
        host.close();
    }

    /** The frames the host sends to the evil peer, and its connection. */
    static final class Evil {
        Channel ch;
        final ByteBuf in = Unpooled.buffer();

        synchronized int count(int type, int flag) {
            int n = 0;
            for (int i = in.readerIndex(); i + 12 <= in.writerIndex(); ) {
                int t = in.getUnsignedByte(i + 1), f = in.getUnsignedShort(i + 2);
                long len = in.getUnsignedInt(i + 8);
                if (t == type && (f & flag) == flag) n++;
                i += 12 + (t == 0 ? (int) len : 0);
            }
            return n;
        }

        void frame(int type, int flags, int id, long length, int dataBytes) {
            ByteBuf b = Unpooled.buffer(12 + dataBytes);
            b.writeByte(0).writeByte(type).writeShort(flags).writeInt(id).writeInt((int) length);
            b.writeZero(dataBytes);
            ch.writeAndFlush(b);
        }
    }

    Evil connectEvil() throws Exception {
        Evil evil = new Evil();
        CompletableFuture<Channel> secured = new CompletableFuture<>();
        NoiseHandshakeHandler.StaticKey key = new NoiseHandshakeHandler.StaticKey(KeyPair.generate());
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(MultistreamHandler.initiator(List.of(NoiseHandshakeHandler.PROTOCOL_ID), (ctx, p) ->
                        ctx.pipeline().addLast(new NoiseHandshakeHandler(true, key, List.of(YamuxConfig.PROTOCOL_ID), host.peerId(),
                                new NoiseHandshakeHandler.Listener() {
                                    @Override public void secured(ChannelHandlerContext c, NoiseHandshakeHandler.Session s) {
                                        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                            @Override public void channelRead(ChannelHandlerContext x, Object msg) {
                                                synchronized (evil) {
                                                    evil.in.writeBytes((ByteBuf) msg);
                                                }
                                                ((ByteBuf) msg).release();
                                            }
                                        });
                                        secured.complete(c.channel());
                                    }

                                    @Override public void failed(ChannelHandlerContext c, Throwable cause) {
                                        secured.completeExceptionally(cause);
                                    }
                                }))));
            }
        }).connect(host.listenAddresses().getFirst().tcpSocketAddress());
        evil.ch = secured.get(10, TimeUnit.SECONDS);
        return evil;
    }

    void goodPeerStillWorks() throws Exception {
        assertTrue(goodConnection.isOpen());
        try (Pinger p = PingService.open(goodConnection).get(10, TimeUnit.SECONDS)) {
            assertTrue(p.ping().get(10, TimeUnit.SECONDS).toNanos() > 0);
        }
    }

    static void awaitClosed(Channel ch) throws Exception {
        assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "the host should have closed the hostile connection");
    }

    @Test void oversizedFrameClosesOnlyThatConnection() throws Exception {
        Evil e = connectEvil();
        e.frame(0, 1, 1, 0x7FFF_FFFFL, 100); // announces 2 GiB
        awaitClosed(e.ch);
        goodPeerStillWorks();
    }

    /** Opens stream 1 and negotiates the protocol whose handler never reads. */
    static void openSilentStream(Evil e) throws Exception {
        e.frame(1, 1, 1, 0, 0);
        ByteBuf mss = Unpooled.buffer();
        io.spore.p2p.multistream.MultistreamCodec.write("/multistream/1.0.0", mss);
        io.spore.p2p.multistream.MultistreamCodec.write(SILENT, mss);
        ByteBuf f = Unpooled.buffer();
        f.writeByte(0).writeByte(0).writeShort(0).writeInt(1).writeInt(mss.readableBytes()).writeBytes(mss);
        e.ch.writeAndFlush(f);
        Thread.sleep(300);
    }

    @Test void dataBeyondTheWindowClosesOnlyThatConnection() throws Exception {
        Evil e = connectEvil();
        openSilentStream(e);
        for (int i = 0; i < 5; i++) e.frame(0, 0, 1, 65536, 65536); // 320 KiB into a 256 KiB window
        awaitClosed(e.ch);
        goodPeerStillWorks();
    }

    @Test void endlessStreamsAreResetBeyondTheLimit() throws Exception {
        Evil e = connectEvil();
        for (int id = 1; id < 2 * 1000; id += 2) e.frame(1, 1, id, 0, 0);
        for (int i = 0; i < 200 && e.count(1, 8) < 900; i++) Thread.sleep(25);
        assertTrue(e.count(1, 8) >= 900, "streams beyond the limit of 100 are reset, got " + e.count(1, 8));
        assertTrue(e.ch.isActive(), "a peer that opens too many streams only loses the extra streams");
        Connection seen = host.connections().stream().filter(c -> !c.remotePeer().equals(good.peerId())).findFirst().orElseThrow();
        assertTrue(seen.streamCount() <= 100 + 2, "streams open: " + seen.streamCount());
        goodPeerStillWorks();
    }

    @Test void aSlowReaderGrantsNoMoreCreditAndAbuseClosesTheConnection() throws Exception {
        Evil e = connectEvil();
        openSilentStream(e);
        int updatesBefore = e.count(1, 0);
        // Fill the rest of the window; the handler never reads, so no credit may come back.
        for (int i = 0; i < 3; i++) e.frame(0, 0, 1, 65536, 65536);
        Thread.sleep(1000);
        assertEquals(updatesBefore, e.count(1, 0), "no window update for data nobody read");
        assertTrue(e.ch.isActive());
        for (int i = 0; i < 3; i++) e.frame(0, 0, 1, 65536, 65536); // past the window
        awaitClosed(e.ch);
        goodPeerStillWorks();
    }

    @Test void garbageAfterTheHandshakeClosesOnlyThatConnection() throws Exception {
        Evil e = connectEvil();
        ByteBuf junk = Unpooled.buffer();
        for (int i = 0; i < 64; i++) junk.writeLong(0xDEADBEEFCAFEBABEL * (i + 1));
        e.ch.writeAndFlush(junk);
        awaitClosed(e.ch);
        goodPeerStillWorks();
    }
}
