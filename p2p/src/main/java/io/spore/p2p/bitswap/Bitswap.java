package io.spore.p2p.bitswap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.fetch.PeerExchange;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Varint;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Bitswap 1.2.0 on a libp2p {@link Host}: serves every block of a {@link BlockStore} and carries
 * the fetcher's wants. Replies go on a stream this side opens (the spec's {@code s_receive}); one
 * outbound stream per peer is kept and reused. Messages from a peer are read on any stream.
 */
public final class Bitswap implements PeerExchange, AutoCloseable {
    public static final String PROTOCOL = "/ipfs/bitswap/1.2.0";
    private static final Logger LOG = Logger.getLogger(Bitswap.class.getName());
    /** Bytes of received messages a stream may hold waiting to be decoded: two of the largest. */
    static final int INBOX_BYTES = 2 * BitswapCodec.MAX_MESSAGE;

    private final Host host;
    private final BitswapServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<PeerId, CompletableFuture<Channel>> outbound = new ConcurrentHashMap<>();
    private volatile Listener listener;

    public Bitswap(Host host, BlockStore store) {
        this.host = host;
        this.server = new BitswapServer(store, this::send, executor);
    }

    /** Registers the protocol on the host; from then on every block of the store is served. */
    public Bitswap start() {
        host.handle(PROTOCOL, (stream, conn) -> initStream(stream, conn.remotePeer()));
        host.onConnected(conn -> {
            PeerId peer = conn.remotePeer();
            // Open our stream to the peer now, while nothing waits on it: on a 200 ms link its
            // negotiation is a round trip that the first want would otherwise pay.
            stream(peer).exceptionally(e -> null);
            Listener l = listener;
            if (l != null) l.onPeerConnected(peer);
        });
        host.onDisconnected(conn -> {
            PeerId peer = conn.remotePeer();
            boolean stillConnected = host.connections().stream().anyMatch(c -> c.isOpen() && c.remotePeer().equals(peer));
            if (!stillConnected) peerGone(peer);
        });
        return this;
    }

    /** Tell peers that were waiting for {@code cid} (wants without send-dont-have) that it is here. */
    public void blockAdded(Cid cid) { server.blockAdded(cid); }

    public long blocksSent() { return server.blocksSent(); }

    public long bytesSent() { return server.bytesSent(); }

    @Override public void setListener(Listener listener) { this.listener = listener; }

    @Override
    public void sendWants(PeerId peer, List<BitswapMessage.Want> wants) {
        for (int i = 0; i < wants.size(); i += BitswapCodec.MAX_WANTLIST) {
            List<BitswapMessage.Want> part = wants.subList(i, Math.min(wants.size(), i + BitswapCodec.MAX_WANTLIST));
            send(peer, BitswapMessage.ofWants(new ArrayList<>(part))).exceptionally(e -> {
                peerGone(peer);
                return null;
            });
        }
    }

    @Override
    public Collection<PeerId> connectedPeers() {
        return host.connections().stream().filter(Connection::isOpen).map(Connection::remotePeer).distinct().toList();
    }

    @Override
    public void drop(PeerId peer) {
        for (Connection c : host.connections()) if (c.remotePeer().equals(peer)) c.close();
        peerGone(peer);
    }

    CompletableFuture<Void> send(PeerId peer, BitswapMessage msg) {
        byte[] body = BitswapCodec.encode(msg);
        ByteBuf frame = Unpooled.wrappedBuffer(Varint.encode(body.length), body);
        return stream(peer).thenCompose(ch -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            ChannelFuture f = ch.writeAndFlush(frame);
            f.addListener(x -> {
                if (x.isSuccess()) done.complete(null);
                else {
                    outbound.remove(peer);
                    ch.close();
                    done.completeExceptionally(x.cause());
                }
            });
            return done;
        });
    }

    private CompletableFuture<Channel> stream(PeerId peer) {
        CompletableFuture<Channel> f = outbound.computeIfAbsent(peer, p -> connection(p)
                .thenCompose(c -> c.openStream(PROTOCOL))
                .thenApply(ch -> {
                    initStream(ch, peer);
                    ch.closeFuture().addListener(x -> outbound.remove(peer));
                    return ch;
                }));
        f.whenComplete((ch, e) -> { if (e != null) outbound.remove(peer, f); });
        return f;
    }

    private CompletableFuture<Connection> connection(PeerId peer) {
        for (Connection c : host.connections()) {
            if (c.isOpen() && c.remotePeer().equals(peer)) return CompletableFuture.completedFuture(c);
        }
        return host.connect(peer);
    }

    private void initStream(Channel stream, PeerId peer) {
        Inbox inbox = new Inbox(stream, peer);
        stream.pipeline().addLast(new BitswapFrameSplitter(), new SimpleChannelInboundHandler<byte[]>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, byte[] frame) {
                inbox.add(frame);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                LOG.log(Level.FINE, "bitswap stream from " + peer + " closed: " + cause.getMessage());
                ctx.close();
            }
        });
    }

    /**
     * The frames of one stream, decoded and handled in order on a virtual thread: decoding hashes
     * every block, which would otherwise share the event loop thread with Noise decryption. Past
     * {@link #INBOX_BYTES} waiting, the stream stops reading, so Yamux flow control holds the peer back.
     */
    private final class Inbox {
        private final Channel stream;
        private final PeerId peer;
        private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
        private long bytes;
        private boolean running;

        Inbox(Channel stream, PeerId peer) {
            this.stream = stream;
            this.peer = peer;
        }

        synchronized void add(byte[] frame) {
            frames.add(frame);
            bytes += frame.length;
            if (bytes > INBOX_BYTES) stream.config().setAutoRead(false);
            if (running) return;
            running = true;
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException closed) {
                running = false;
                frames.clear();
            }
        }

        private void drain() {
            while (true) {
                byte[] frame;
                synchronized (this) {
                    frame = frames.poll();
                    if (frame == null) {
                        running = false;
                        return;
                    }
                    bytes -= frame.length;
                    if (bytes <= INBOX_BYTES / 2 && !stream.config().isAutoRead()) stream.config().setAutoRead(true);
                }
                try {
                    receive(peer, BitswapCodec.decode(ByteBuffer.wrap(frame)));
                } catch (BitswapException e) {
                    LOG.log(Level.FINE, "bitswap stream from " + peer + " closed: " + e.getMessage());
                    synchronized (this) {
                        frames.clear();
                        bytes = 0;
                    }
                    stream.close();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "bitswap: handling a message from " + peer + " failed", e);
                }
            }
        }
    }

    void receive(PeerId peer, BitswapMessage msg) {
        server.onWants(peer, msg.wants(), msg.fullWantlist());
        Listener l = listener;
        if (l == null) return;
        for (BitswapMessage.Block b : msg.blocks()) l.onBlock(peer, b.cid(), b.data());
        for (BitswapMessage.Presence p : msg.presences()) l.onPresence(peer, p.cid(), p.have());
    }

    private void peerGone(PeerId peer) {
        server.peerGone(peer);
        CompletableFuture<Channel> ch = outbound.remove(peer);
        if (ch != null) ch.thenAccept(Channel::close);
        Listener l = listener;
        if (l != null) l.onPeerGone(peer);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        for (CompletableFuture<Channel> ch : outbound.values()) ch.thenAccept(Channel::close);
        outbound.clear();
    }
}
