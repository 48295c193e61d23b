package io.spore.p2p.host;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.spore.p2p.identify.IdentifyService;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multistream.MultistreamHandler;
import io.spore.p2p.noise.NoiseHandshakeHandler;
import io.spore.p2p.ping.PingService;
import io.spore.p2p.yamux.YamuxConfig;
import io.spore.p2p.yamux.YamuxSession;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The TCP host: Netty (epoll where available), the upgrade chain multistream → Noise → (multistream)
 * → Yamux, the protocol registry, connection bookkeeping (one connection per peer where possible,
 * with the simultaneous-dial tie-break), identify and ping.
 */
final class Libp2pHost implements Host {
    /** Addresses learned from identify stay this long after the peer was last seen. */
    static final Duration IDENTIFY_TTL = Duration.ofHours(1);

    private static final System.Logger LOG = System.getLogger("io.spore.p2p.host");
    final HostConfig config;
    private final NoiseHandshakeHandler.StaticKey noiseKey;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> socketClass;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Multiaddr> listenAddresses = new ArrayList<>();
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final Map<PeerId, List<Libp2pConnection>> connections = new ConcurrentHashMap<>();
    private final Map<PeerId, CompletableFuture<Connection>> pendingDials = new ConcurrentHashMap<>();
    private final Map<PeerId, PeerInfo> peerInfos = new ConcurrentHashMap<>();
    private final List<Consumer<Connection>> connectedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Connection>> disconnectedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<PeerInfo>> identifiedListeners = new CopyOnWriteArrayList<>();
    private final MemoryAddressBook addressBook = new MemoryAddressBook();
    private final java.util.concurrent.atomic.AtomicInteger channelCount = new java.util.concurrent.atomic.AtomicInteger();
    private final IdentifyService identify;
    private volatile boolean closed;

    private Libp2pHost(HostConfig config) {
        this.config = config;
        this.noiseKey = new NoiseHandshakeHandler.StaticKey(config.identity());
        IoHandlerFactory io;
        Class<? extends ServerChannel> serverClass;
        if (Epoll.isAvailable()) {
            io = EpollIoHandler.newFactory();
            socketClass = EpollSocketChannel.class;
            serverClass = EpollServerSocketChannel.class;
        } else {
            io = NioIoHandler.newFactory();
            socketClass = NioSocketChannel.class;
            serverClass = NioServerSocketChannel.class;
        }
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
        this.identify = new IdentifyService(this, config.identity(), config.agentVersion(), this::identified);
        PingService.install(this);
        try {
            for (Multiaddr m : config.listen()) {
                InetSocketAddress sa = m.tcpSocketAddress();
                if (sa.isUnresolved()) sa = new InetSocketAddress(sa.getHostString(), sa.getPort());
                ServerBootstrap sb = new ServerBootstrap().group(group).channel(serverClass)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                if (closed || channelCount.get() >= config.maxConnections()) {
                                    ch.close();
                                    return;
                                }
                                upgrade(ch, false, null, new CompletableFuture<>());
                            }
                        });
                ChannelFuture f = sb.bind(sa).awaitUninterruptibly();
                if (!f.isSuccess()) {
                    throw new UncheckedIOException(new java.io.IOException("cannot listen on " + m + ": " + f.cause().getMessage()
                            + ": choose another port or stop what uses it", f.cause()));
                }
                listeners.add(f.channel());
                listenAddresses.add(Multiaddr.tcp((InetSocketAddress) f.channel().localAddress()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static Libp2pHost start(HostConfig config) {
        return new Libp2pHost(config);
    }

    // ---- the upgrade chain ----

    private void upgrade(Channel ch, boolean initiator, PeerId expected, CompletableFuture<Libp2pConnection> done) {
        channelCount.incrementAndGet();
        ch.closeFuture().addListener(f -> {
            channelCount.decrementAndGet();
            if (!done.isDone()) done.completeExceptionally(new java.io.IOException("connection closed during the upgrade"));
        });
        var timeout = ch.eventLoop().schedule(() -> {
            if (done.completeExceptionally(new TimeoutException("connection upgrade did not finish within "
                    + config.dialTimeout().toSeconds() + " s: the peer may not speak libp2p"))) ch.close();
        }, config.dialTimeout().toMillis(), TimeUnit.MILLISECONDS);
        done.whenComplete((c, e) -> timeout.cancel(false));
        Consumer<Throwable> fail = e -> {
            done.completeExceptionally(e);
            ch.close();
        };
        ch.pipeline().addLast(negotiate(initiator, NoiseHandshakeHandler.PROTOCOL_ID, fail, ctx ->
                ctx.pipeline().addLast(new NoiseHandshakeHandler(initiator, noiseKey, List.of(YamuxConfig.PROTOCOL_ID), expected,
                        new NoiseHandshakeHandler.Listener() {
                            @Override
                            public void secured(ChannelHandlerContext c, NoiseHandshakeHandler.Session s) {
                                if (s.remotePeer().equals(peerId())) {
                                    fail.accept(new java.io.IOException("refusing a connection to this host itself"));
                                } else if (!s.remoteMuxers().isEmpty()) {
                                    // Early muxer negotiation: the initiator's first muxer both support wins.
                                    if (!s.remoteMuxers().contains(YamuxConfig.PROTOCOL_ID)) {
                                        fail.accept(new java.io.IOException("peer offers only " + s.remoteMuxers() + "; Spore speaks " + YamuxConfig.PROTOCOL_ID));
                                    } else {
                                        muxed(c.channel(), initiator, s, done);
                                    }
                                } else {
                                    c.pipeline().addLast(negotiate(initiator, YamuxConfig.PROTOCOL_ID, fail,
                                            y -> muxed(y.channel(), initiator, s, done)));
                                }
                            }

                            @Override
                            public void failed(ChannelHandlerContext c, Throwable cause) {
                                fail.accept(cause);
                            }
                        }))));
    }

    private interface Next {
        void accept(ChannelHandlerContext ctx) throws Exception;
    }

    private static MultistreamHandler negotiate(boolean initiator, String protocol, Consumer<Throwable> fail, Next next) {
        MultistreamHandler.Listener l = new MultistreamHandler.Listener() {
            @Override
            public void negotiated(ChannelHandlerContext ctx, String p) throws Exception {
                next.accept(ctx);
            }

            @Override
            public void failed(ChannelHandlerContext ctx, Throwable cause) {
                fail.accept(cause);
            }
        };
        return initiator ? MultistreamHandler.initiator(List.of(protocol), l) : MultistreamHandler.responder(protocol::equals, l);
    }

    private void muxed(Channel ch, boolean initiator, NoiseHandshakeHandler.Session s, CompletableFuture<Libp2pConnection> done) {
        Libp2pConnection[] holder = new Libp2pConnection[1];
        YamuxSession session = YamuxSession.install(ch, initiator, config.yamux(), stream -> inboundStream(holder[0], stream));
        Multiaddr remote = Multiaddr.tcp((InetSocketAddress) ch.remoteAddress());
        Libp2pConnection c = new Libp2pConnection(this, ch, session, s.remotePeer(), remote, initiator);
        holder[0] = c;
        ch.closeFuture().addListener(f -> {
            LOG.log(System.Logger.Level.DEBUG, () -> c + " closed: " + ch.attr(YamuxSession.CLOSE_REASON).get());
            disconnected(c);
        });
        Libp2pConnection kept = connected(c);
        done.complete(kept);
    }

    private void inboundStream(Libp2pConnection c, Channel stream) {
        var timeout = c.channel.eventLoop().schedule(() -> { stream.close(); }, config.negotiationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        stream.closeFuture().addListener(f -> timeout.cancel(false));
        stream.pipeline().addLast(MultistreamHandler.responder(handlers::containsKey, (ctx, protocol) -> {
            timeout.cancel(false);
            StreamHandler h = handlers.get(protocol);
            if (h == null) {
                ctx.close();
                return;
            }
            h.initStream(ctx.channel(), c);
        }));
    }

    // ---- connection bookkeeping ----

    /** Records a new connection; on a duplicate, keeps one by a rule both sides apply alike. */
    private Libp2pConnection connected(Libp2pConnection c) {
        Libp2pConnection[] result = {c};
        Libp2pConnection[] loser = {null};
        connections.compute(c.remotePeer(), (p, list) -> {
            List<Libp2pConnection> l = list == null ? new ArrayList<>() : new ArrayList<>(list);
            l.removeIf(x -> !x.isOpen());
            Libp2pConnection other = l.stream().filter(x -> x.isInitiator() != c.isInitiator()).findFirst().orElse(null);
            if (other != null) {
                // Simultaneous dial: keep the connection dialed by the peer whose id sorts lower.
                boolean weAreLower = peerId().compareTo(c.remotePeer()) < 0;
                boolean keepNew = c.isInitiator() == weAreLower;
                if (keepNew) {
                    l.remove(other);
                    l.add(c);
                    loser[0] = other;
                } else {
                    loser[0] = c;
                    result[0] = other;
                }
            } else {
                l.add(c);
            }
            return l;
        });
        if (loser[0] != null) {
            Libp2pConnection lose = loser[0];
            // Let streams already under way on the loser finish their negotiation first.
            lose.channel.eventLoop().schedule(() -> { lose.close(); }, 2, TimeUnit.SECONDS);
        }
        if (result[0] == c) {
            for (Consumer<Connection> l : connectedListeners) safely(l, c);
            identify.connected(c);
        }
        return result[0];
    }

    private void disconnected(Libp2pConnection c) {
        boolean[] was = {false};
        connections.computeIfPresent(c.remotePeer(), (p, list) -> {
            List<Libp2pConnection> l = new ArrayList<>(list);
            was[0] = l.remove(c);
            return l.isEmpty() ? null : l;
        });
        if (was[0]) for (Consumer<Connection> l : disconnectedListeners) safely(l, c);
    }

    private static <T> void safely(Consumer<T> l, T v) {
        try {
            l.accept(v);
        } catch (RuntimeException e) {
            System.getLogger("io.spore.p2p.host").log(System.Logger.Level.WARNING, "listener failed", e);
        }
    }

    private Libp2pConnection existing(PeerId peer) {
        List<Libp2pConnection> l = connections.get(peer);
        if (l == null) return null;
        for (Libp2pConnection c : l) if (c.isOpen()) return c;
        return null;
    }

    // ---- Host ----

    @Override public PeerId peerId() { return config.identity().peerId(); }

    @Override public List<Multiaddr> listenAddresses() { return List.copyOf(listenAddresses); }

    @Override
    public void handle(String protocol, StreamHandler handler) {
        if (protocol == null || protocol.isEmpty() || protocol.length() > 1000 || !protocol.startsWith("/")) {
            throw new IllegalArgumentException("protocol ids start with '/' and are at most 1000 bytes: " + protocol);
        }
        boolean added = handlers.put(protocol, handler) == null;
        if (added && identify != null) identify.protocolsChanged();
    }

    @Override
    public void unhandle(String protocol) {
        if (handlers.remove(protocol) != null) identify.protocolsChanged();
    }

    @Override public Set<String> protocols() { return Set.copyOf(handlers.keySet()); }

    @Override
    public CompletableFuture<Connection> connect(Multiaddr address) {
        PeerId peer = address.peerId();
        if (peer != null) {
            if (peer.equals(peerId())) return CompletableFuture.failedFuture(new IllegalArgumentException("cannot dial this host itself (" + peer + ")"));
            Libp2pConnection c = existing(peer);
            if (c != null) return CompletableFuture.completedFuture(c);
            CompletableFuture<Connection> mine = new CompletableFuture<>();
            CompletableFuture<Connection> pending = pendingDials.putIfAbsent(peer, mine);
            if (pending != null) return pending;
            dial(address, peer).whenComplete((conn, e) -> {
                pendingDials.remove(peer, mine);
                if (e == null) addressBook.add(peer, address, IDENTIFY_TTL);
                if (e != null) mine.completeExceptionally(e);
                else mine.complete(conn);
            });
            return mine;
        }
        return dial(address, null);
    }

    private CompletableFuture<Connection> dial(Multiaddr address, PeerId peer) {
        CompletableFuture<Connection> result = new CompletableFuture<>();
        if (closed) return CompletableFuture.failedFuture(new IllegalStateException("the host is closed"));
        InetSocketAddress sa = address.tcpSocketAddress();
        if (sa == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot dial " + address
                    + ": Spore dials TCP addresses such as /ip4/1.2.3.4/tcp/4001/p2p/12D3KooW..."));
        }
        if (channelCount.get() >= config.maxConnections()) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection limit of " + config.maxConnections()
                    + " reached: close connections or raise the limit"));
        }
        CompletableFuture<Libp2pConnection> upgraded = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(group).channel(socketClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.dialTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        upgrade(ch, true, peer, upgraded);
                    }
                });
        b.connect(sa).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new java.io.IOException("cannot connect to " + address + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        upgraded.whenComplete((c, e) -> {
            if (e != null) result.completeExceptionally(new java.io.IOException("cannot connect to " + address + ": " + e.getMessage(), e));
            else result.complete(c);
        });
        return result;
    }

    @Override
    public CompletableFuture<Connection> connect(PeerId peer) {
        Libp2pConnection c = existing(peer);
        if (c != null) return CompletableFuture.completedFuture(c);
        List<Multiaddr> addrs = addressBook.addresses(peer);
        addrs.removeIf(a -> a.tcpSocketAddress() == null);
        if (addrs.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no known TCP address for peer " + peer
                    + ": give its multiaddr or find it through the DHT first"));
        }
        return tryAddresses(peer, addrs, 0, null);
    }

    private CompletableFuture<Connection> tryAddresses(PeerId peer, List<Multiaddr> addrs, int i, Throwable last) {
        if (i >= addrs.size()) {
            return CompletableFuture.failedFuture(new java.io.IOException("could not reach peer " + peer + " at any of "
                    + addrs.size() + " known addresses (last: " + (last == null ? "?" : last.getMessage()) + ")", last));
        }
        return connect(addrs.get(i).withPeerId(peer)).handle((c, e) -> e == null
                ? CompletableFuture.completedFuture(c) : tryAddresses(peer, addrs, i + 1, e)).thenCompose(x -> x);
    }

    @Override public AddressBook addressBook() { return addressBook; }

    @Override
    public Collection<Connection> connections() {
        List<Connection> out = new ArrayList<>();
        for (List<Libp2pConnection> l : connections.values()) for (Libp2pConnection c : l) if (c.isOpen()) out.add(c);
        return out;
    }

    @Override public void onConnected(Consumer<Connection> listener) { connectedListeners.add(listener); }

    @Override public void onDisconnected(Consumer<Connection> listener) { disconnectedListeners.add(listener); }

    @Override public Optional<PeerInfo> peerInfo(PeerId peer) { return Optional.ofNullable(peerInfos.get(peer)); }

    @Override public void onIdentified(Consumer<PeerInfo> listener) { identifiedListeners.add(listener); }

    private void identified(PeerInfo info) {
        peerInfos.put(info.peer(), info);
        if (peerInfos.size() > MemoryAddressBook.MAX_PEERS) {
            peerInfos.keySet().removeIf(p -> !connections.containsKey(p));
        }
        for (Multiaddr a : info.listenAddresses()) addressBook.add(info.peer(), a, IDENTIFY_TTL);
        for (Consumer<PeerInfo> l : identifiedListeners) safely(l, info);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Channel l : listeners) l.close().awaitUninterruptibly();
        for (Connection c : connections()) c.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Override public String toString() { return "host " + peerId() + " " + listenAddresses; }
}
