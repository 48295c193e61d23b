package io.spore.p2p.kad;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.proto.KadProto.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kademlia DHT ({@code /ipfs/kad/1.0.0}) of one {@link Host}: finds peers and providers of
 * content, and announces this node as a provider. Wire-compatible with go/js-libp2p
 * (libp2p/specs kad-dht, ipfs/specs routing/kad-dht): provider keys are the multihash of the CID,
 * as js and go use.
 *
 * <p>Only peers that serve the protocol enter the routing table: a connected peer is checked by
 * negotiating {@code /ipfs/kad/1.0.0} on a stream (what identify's protocol list announces), and
 * a peer that answered a request evidently serves it. A peer whose request fails leaves the table.
 */
public final class Dht implements AutoCloseable {
    public static final String PROTOCOL = "/ipfs/kad/1.0.0";
    /** How long addresses learned from the DHT stay in the address book. */
    static final Duration ADDRESS_TTL = Duration.ofMinutes(30);

    private final Host host;
    private final DhtConfig config;
    private final RoutingTable table;
    private final ProviderStore providers;
    private final KadServer server;
    private final Set<Cid> provided = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    private Dht(Host host, DhtConfig config) {
        this.host = host;
        this.config = config;
        this.table = new RoutingTable(KadKey.of(host.peerId()), config.k());
        this.providers = new ProviderStore(java.time.InstantSource.system(), config.providerValidity(), 100_000, 64);
        this.server = new KadServer(host.peerId(), host::listenAddresses, table, providers, this::knownAddresses, config.k());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spore-dht-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the DHT on {@code host}: serves the protocol (server mode) and watches connections. */
    public static Dht start(Host host, DhtConfig config) {
        Dht dht = new Dht(host, config);
        if (config.server()) {
            host.handle(PROTOCOL, (stream, connection) -> KadInboundHandler.install(stream, dht.server, connection.remotePeer()));
        }
        host.onConnected(dht::checkServerMode);
        long republish = config.republishInterval().toMillis();
        dht.timer.scheduleAtFixedRate(dht::republish, republish, republish, TimeUnit.MILLISECONDS);
        dht.timer.scheduleAtFixedRate(dht.providers::cleanup, 1, 1, TimeUnit.HOURS);
        return dht;
    }

    public static Dht start(Host host) { return start(host, DhtConfig.defaults()); }

    /**
     * Connects to {@code peers}, adds those that serve the DHT to the routing table, then looks up
     * this node's own id to fill the table. Completes with the routing table's size.
     */
    public CompletableFuture<Integer> bootstrap(List<Multiaddr> peers) {
        List<CompletableFuture<Boolean>> dials = new ArrayList<>();
        for (Multiaddr a : peers) {
            dials.add(host.connect(a).thenCompose(this::checkServerMode).exceptionally(e -> false));
        }
        return CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            long ok = dials.stream().filter(CompletableFuture::join).count();
            if (ok == 0 && !peers.isEmpty() && table.size() == 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("none of the " + peers.size()
                        + " bootstrap peers could be reached over " + PROTOCOL + ": check the addresses and that those peers run a DHT server"));
            }
            return closestPeers(host.peerId().bytes()).thenApply(found -> table.size());
        });
    }

    /** Announces this node as a provider of {@code cid} to the k peers closest to it; completes with how many were told. */
    public CompletableFuture<Integer> provide(Cid cid) {
        byte[] key = cid.multihash().bytes();
        provided.add(cid);
        providers.add(key, host.peerId(), host.listenAddresses());
        Message add = Message.newBuilder().setType(Message.MessageType.ADD_PROVIDER).setKey(ByteString.copyFrom(key))
                .addProviderPeers(KadCodec.toProto(new PeerInfo(host.peerId(), host.listenAddresses()))).build();
        return closestPeers(key).thenCompose(closest -> {
            AtomicInteger told = new AtomicInteger();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (PeerInfo p : closest) {
                sends.add(send(p, add).thenRun(told::incrementAndGet).exceptionally(e -> null));
            }
            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v -> told.get());
        });
    }

    /** Up to {@code limit} providers of {@code cid}: ours first, then those the network knows. */
    public CompletableFuture<List<PeerInfo>> findProviders(Cid cid, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
        byte[] key = cid.multihash().bytes();
        Map<PeerId, PeerInfo> found = new LinkedHashMap<>();
        for (PeerInfo p : providers.get(key, limit)) found.put(p.peer(), p);
        if (found.size() >= limit) return CompletableFuture.completedFuture(List.copyOf(found.values()));
        Message req = Message.newBuilder().setType(Message.MessageType.GET_PROVIDERS).setKey(ByteString.copyFrom(key)).build();
        return lookup(key, req, (from, reply) -> {
            synchronized (found) {
                for (PeerInfo p : KadCodec.fromProto(reply.getProviderPeersList())) {
                    remember(p);
                    if (found.size() < limit) found.merge(p.peer(), p, Dht::mergeAddresses);
                }
                return found.size() >= limit;
            }
        }).thenApply(closest -> {
            synchronized (found) {
                return List.copyOf(found.values());
            }
        });
    }

    /** The addresses of {@code peer} as the DHT knows them, or empty when no peer on the way knew it. */
    public CompletableFuture<Optional<PeerInfo>> findPeer(PeerId peer) {
        byte[] key = peer.bytes();
        PeerInfo[] hit = new PeerInfo[1];
        Message req = Message.newBuilder().setType(Message.MessageType.FIND_NODE).setKey(ByteString.copyFrom(key)).build();
        return lookup(key, req, (from, reply) -> {
            for (PeerInfo p : KadCodec.fromProto(reply.getCloserPeersList())) {
                if (p.peer().equals(peer) && !p.addresses().isEmpty()) {
                    synchronized (hit) {
                        hit[0] = hit[0] == null ? p : mergeAddresses(hit[0], p);
                    }
                    remember(p);
                    return true;
                }
            }
            return false;
        }).thenApply(closest -> {
            synchronized (hit) {
                return Optional.ofNullable(hit[0]);
            }
        });
    }

    /** The k peers closest to {@code key} that answered, closest first (a FIND_NODE lookup). */
    public CompletableFuture<List<PeerInfo>> closestPeers(byte[] key) {
        Message req = Message.newBuilder().setType(Message.MessageType.FIND_NODE).setKey(ByteString.copyFrom(key)).build();
        return lookup(key, req, (from, reply) -> false);
    }

    /** Peers in the routing table. */
    public int routingTableSize() { return table.size(); }

    /** Re-announces every key this node provides; runs every {@link DhtConfig#republishInterval()}. */
    void republish() {
        for (Cid cid : provided) provide(cid);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        provided.clear();
    }

    private CompletableFuture<List<PeerInfo>> lookup(byte[] key, Message req, Lookup.Listener onReply) {
        KadKey target = KadKey.of(key);
        List<PeerInfo> seeds = new ArrayList<>();
        for (PeerId p : table.closest(target, config.k())) seeds.add(new PeerInfo(p, knownAddresses(p)));
        if (seeds.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "the DHT knows no peers yet: bootstrap it with the address of a peer that runs a DHT server"));
        }
        Lookup.Params params = new Lookup.Params(config.k(), config.alpha(), config.paths(), config.maxRequests(), config.lookupTimeout());
        Lookup lookup = new Lookup(host.peerId(), target, req, params, this::request, new Lookup.Listener() {
            @Override public boolean onReply(PeerInfo from, Message reply) {
                table.add(from.peer());
                for (PeerInfo p : KadCodec.fromProto(reply.getCloserPeersList())) remember(p);
                return onReply.onReply(from, reply);
            }

            @Override public void onFailure(PeerInfo peer, Throwable error) {
                table.remove(peer.peer());
            }
        });
        return lookup.run(seeds);
    }

    /** One request and its reply, on a stream of its own (as js does). */
    CompletableFuture<Message> request(PeerInfo to, Message req) {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        remember(to);
        openStream(to).whenComplete((stream, error) -> {
            if (error != null) {
                reply.completeExceptionally(error);
                return;
            }
            reply.whenComplete((r, e) -> stream.close());
            stream.pipeline().addLast(new KadFrameDecoder(), new KadResponseHandler(reply));
            stream.writeAndFlush(KadCodec.frame(stream.alloc(), req));
        });
        return reply.orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A message with no reply (ADD_PROVIDER): write it, half-close, and let the peer close. */
    CompletableFuture<Void> send(PeerInfo to, Message msg) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        openStream(to).whenComplete((stream, error) -> {
            if (error != null) {
                sent.completeExceptionally(error);
                return;
            }
            stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) ctx.close();
                }

                @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) { ctx.close(); }
            });
            stream.eventLoop().schedule(() -> { stream.close(); }, config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            stream.writeAndFlush(KadCodec.frame(stream.alloc(), msg)).addListener(f -> {
                if (!f.isSuccess()) {
                    sent.completeExceptionally(f.cause());
                    stream.close();
                    return;
                }
                sent.complete(null);
                if (stream instanceof DuplexChannel d) d.shutdownOutput();
            });
        });
        return sent.orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Channel> openStream(PeerInfo to) {
        return host.connect(to.peer()).thenCompose(c -> c.openStream(PROTOCOL));
    }

    /** Adds the peer to the routing table when it serves the DHT; completes with whether it does. */
    private CompletableFuture<Boolean> checkServerMode(Connection connection) {
        return connection.openStream(PROTOCOL).handle((stream, error) -> {
            if (error != null) return false;
            stream.close();
            table.add(connection.remotePeer());
            return true;
        });
    }

    private void remember(PeerInfo p) {
        if (p.peer().equals(host.peerId())) return;
        for (Multiaddr a : p.addresses()) host.addressBook().add(p.peer(), a, ADDRESS_TTL);
    }

    private List<Multiaddr> knownAddresses(PeerId peer) {
        if (peer.equals(host.peerId())) return host.listenAddresses();
        return host.addressBook().addresses(peer);
    }

    private static PeerInfo mergeAddresses(PeerInfo a, PeerInfo b) {
        List<Multiaddr> all = new ArrayList<>(a.addresses());
        for (Multiaddr m : b.addresses()) if (!all.contains(m)) all.add(m);
        return new PeerInfo(a.peer(), all);
    }
}
