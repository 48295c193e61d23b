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
import io.spore.p2p.multiaddr.Protocol;
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
 * <p>Only peers that serve the protocol enter the routing table: those whose identify protocol
 * list holds {@code /ipfs/kad/1.0.0} (and leave it when an identify push drops it), bootstrap
 * peers that accept a stream of the protocol, and peers that answered a request. A peer whose
 * request fails leaves the table.
 */
public final class Dht implements AutoCloseable {
    public static final String PROTOCOL = "/ipfs/kad/1.0.0";
    /** How long addresses learned from the DHT stay in the address book. */
    static final Duration ADDRESS_TTL = Duration.ofMinutes(30);
    /** How often the table is refreshed by looking up our own id (go uses 10 min, js 5 min). */
    static final Duration REFRESH = Duration.ofMinutes(10);

    private final Host host;
    private final DhtConfig config;
    private final RoutingTable table;
    private final ProviderStore providers;
    private final RecordStore records = new RecordStore();
    private final KadServer server;
    private final Set<Cid> provided = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    private Dht(Host host, DhtConfig config) {
        this.host = host;
        this.config = config;
        this.table = new RoutingTable(KadKey.of(host.peerId()), config.k());
        this.providers = new ProviderStore(java.time.InstantSource.system(), config.providerValidity(), 50_000, 64);
        this.server = new KadServer(host.peerId(), this::announcedAddresses, table, providers, this::knownAddresses, config.k(), records);
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
        host.onIdentified(dht::identified);
        long republish = config.republishInterval().toMillis();
        dht.timer.scheduleAtFixedRate(dht::republish, republish, republish, TimeUnit.MILLISECONDS);
        dht.timer.scheduleAtFixedRate(dht.providers::cleanup, 1, 1, TimeUnit.HOURS);
        dht.timer.scheduleAtFixedRate(dht::refresh, REFRESH.toMinutes(), REFRESH.toMinutes(), TimeUnit.MINUTES);
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
        List<Multiaddr> self = announcedAddresses();
        providers.add(key, host.peerId(), self);
        Message add = Message.newBuilder().setType(Message.MessageType.ADD_PROVIDER).setKey(ByteString.copyFrom(key))
                .addProviderPeers(KadCodec.toProto(new PeerAddresses(host.peerId(), self))).build();
        return closestPeers(key).thenCompose(closest -> {
            AtomicInteger told = new AtomicInteger();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (PeerAddresses p : closest) {
                sends.add(send(p, add).thenRun(told::incrementAndGet).exceptionally(e -> null));
            }
            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(v -> told.get());
        });
    }

    /** Up to {@code limit} providers of {@code cid}: ours first, then those the network knows. */
    public CompletableFuture<List<PeerAddresses>> findProviders(Cid cid, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
        byte[] key = cid.multihash().bytes();
        Map<PeerId, PeerAddresses> found = new LinkedHashMap<>();
        for (PeerAddresses p : providers.get(key, limit)) found.put(p.peer(), p);
        if (found.size() >= limit || (table.size() == 0 && !found.isEmpty())) {
            return CompletableFuture.completedFuture(List.copyOf(found.values()));
        }
        Message req = Message.newBuilder().setType(Message.MessageType.GET_PROVIDERS).setKey(ByteString.copyFrom(key)).build();
        return lookup(key, req, (from, reply) -> {
            synchronized (found) {
                for (PeerAddresses p : KadCodec.fromProto(reply.getProviderPeersList())) {
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

    /**
     * Stores a record ({@code /ipns/} keys only) here and on the k peers closest to its key;
     * completes with how many of them accepted it, or fails at once when the record is invalid
     * (forged, expired, or older than one already held here).
     */
    public CompletableFuture<Integer> putValue(byte[] key, byte[] value) {
        try {
            records.put(key, value);
        } catch (KadException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(e.getMessage()));
        }
        Message put = Message.newBuilder().setType(Message.MessageType.PUT_VALUE).setKey(ByteString.copyFrom(key))
                .setRecord(io.spore.p2p.proto.KadProto.Record.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)))
                .build();
        return closestPeers(key).thenCompose(closest -> {
            AtomicInteger stored = new AtomicInteger();
            List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (PeerAddresses p : closest) {
                puts.add(request(p, put).thenAccept(r -> stored.incrementAndGet()).exceptionally(e -> null));
            }
            return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).thenApply(v -> stored.get());
        });
    }

    /**
     * Every valid record for {@code key} found here and on the way to the k closest peers (ours
     * first); records that fail the check are ignored. The caller picks the best. Ends early once
     * {@code quorum} peers have answered with a record.
     */
    public CompletableFuture<List<byte[]>> getValues(byte[] key, int quorum) {
        List<byte[]> found = new ArrayList<>();
        byte[] own = records.get(key);
        if (own != null) found.add(own);
        if (table.size() == 0) return CompletableFuture.completedFuture(List.copyOf(found));
        Message req = Message.newBuilder().setType(Message.MessageType.GET_VALUE).setKey(ByteString.copyFrom(key)).build();
        AtomicInteger answers = new AtomicInteger();
        return lookup(key, req, (from, reply) -> {
            if (!reply.hasRecord() || !java.util.Arrays.equals(reply.getRecord().getKey().toByteArray(), key)) return false;
            byte[] v = reply.getRecord().getValue().toByteArray();
            try {
                records.check(key, v);
            } catch (KadException invalid) {
                return false; // a peer holding junk is not a reason to stop looking
            }
            synchronized (found) {
                found.add(v);
            }
            return answers.incrementAndGet() >= quorum;
        }).thenApply(closest -> {
            synchronized (found) {
                return List.copyOf(found);
            }
        });
    }

    /** The addresses of {@code peer} as the DHT knows them, or empty when no peer on the way knew it. */
    public CompletableFuture<Optional<PeerAddresses>> findPeer(PeerId peer) {
        byte[] key = peer.bytes();
        PeerAddresses[] hit = new PeerAddresses[1];
        Message req = Message.newBuilder().setType(Message.MessageType.FIND_NODE).setKey(ByteString.copyFrom(key)).build();
        return lookup(key, req, (from, reply) -> {
            for (PeerAddresses p : KadCodec.fromProto(reply.getCloserPeersList())) {
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
    public CompletableFuture<List<PeerAddresses>> closestPeers(byte[] key) {
        Message req = Message.newBuilder().setType(Message.MessageType.FIND_NODE).setKey(ByteString.copyFrom(key)).build();
        return lookup(key, req, (from, reply) -> false);
    }

    /** Stops re-announcing {@code cid}; records others hold expire after their validity. */
    public void stopProviding(Cid cid) {
        provided.remove(cid);
    }

    /** Peers in the routing table. */
    public int routingTableSize() { return table.size(); }

    boolean routingTableContains(PeerId peer) { return table.contains(peer); }

    Host host() { return host; }

    /** Re-announces every key this node provides; runs every {@link DhtConfig#republishInterval()}. */
    void republish() {
        for (Cid cid : provided) provide(cid);
    }

    /** Looks up our own id, which meets (and adds) the peers nearest to us and drops dead ones. */
    void refresh() {
        if (table.size() > 0) closestPeers(host.peerId().bytes());
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        provided.clear();
        if (config.server()) host.unhandle(PROTOCOL);
    }

    private CompletableFuture<List<PeerAddresses>> lookup(byte[] key, Message req, Lookup.Listener onReply) {
        KadKey target = KadKey.of(key);
        List<PeerAddresses> seeds = new ArrayList<>();
        for (PeerId p : table.closest(target, config.k())) seeds.add(new PeerAddresses(p, knownAddresses(p)));
        if (seeds.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "the DHT knows no peers yet: bootstrap it with the address of a peer that runs a DHT server"));
        }
        Lookup.Params params = new Lookup.Params(config.k(), config.alpha(), config.paths(), config.maxRequests(), config.lookupTimeout());
        Lookup lookup = new Lookup(host.peerId(), target, req, params, this::request, new Lookup.Listener() {
            @Override public boolean onReply(PeerAddresses from, Message reply) {
                table.add(from.peer());
                for (PeerAddresses p : KadCodec.fromProto(reply.getCloserPeersList())) remember(p);
                return onReply.onReply(from, reply);
            }

            @Override public void onFailure(PeerAddresses peer, Throwable error) {
                table.remove(peer.peer());
            }
        });
        return lookup.run(seeds);
    }

    /** One request and its reply, on a stream of its own (as js does). */
    CompletableFuture<Message> request(PeerAddresses to, Message req) {
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
    CompletableFuture<Void> send(PeerAddresses to, Message msg) {
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

    private CompletableFuture<Channel> openStream(PeerAddresses to) {
        return host.connect(to.peer()).thenCompose(c -> c.openStream(PROTOCOL));
    }

    private void identified(io.spore.p2p.host.PeerInfo info) {
        if (closed) return;
        if (info.protocols().contains(PROTOCOL)) table.add(info.peer());
        else table.remove(info.peer());
    }

    /** Adds the peer to the routing table when it accepts a DHT stream; completes with whether it does. */
    private CompletableFuture<Boolean> checkServerMode(Connection connection) {
        return connection.openStream(PROTOCOL).handle((stream, error) -> {
            if (error != null) return false;
            stream.close();
            table.add(connection.remotePeer());
            return true;
        });
    }

    private void remember(PeerAddresses p) {
        if (p.peer().equals(host.peerId())) return;
        for (Multiaddr a : p.addresses()) host.addressBook().add(p.peer(), a, ADDRESS_TTL);
    }

    private List<Multiaddr> knownAddresses(PeerId peer) {
        if (peer.equals(host.peerId())) return announcedAddresses();
        return host.addressBook().addresses(peer);
    }

    /** Our listen addresses as others can dial them: a wildcard becomes each interface's address. */
    List<Multiaddr> announcedAddresses() { return expandWildcards(host.listenAddresses()); }

    static List<Multiaddr> expandWildcards(List<Multiaddr> listen) {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : listen) {
            Multiaddr.Component first = a.components().getFirst();
            boolean v4 = first.protocol() == Protocol.IP4;
            boolean v6 = first.protocol() == Protocol.IP6;
            if (!(v4 || v6) || !java.util.Arrays.equals(first.value(), new byte[first.value().length])) {
                out.add(a);
                continue;
            }
            String rest = a.toString().substring(a.toString().indexOf('/', 1 + a.toString().indexOf('/', 1)));
            try {
                for (java.net.NetworkInterface ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                    if (!ni.isUp()) continue;
                    for (java.net.InetAddress ia : java.util.Collections.list(ni.getInetAddresses())) {
                        if (ia.isLinkLocalAddress() || ia.isAnyLocalAddress()) continue;
                        if (v4 && ia instanceof java.net.Inet4Address) out.add(Multiaddr.parse("/ip4/" + ia.getHostAddress() + rest));
                        if (v6 && ia instanceof java.net.Inet6Address) out.add(Multiaddr.parse("/ip6/" + ia.getHostAddress().replaceAll("%.*$", "") + rest));
                    }
                }
            } catch (java.net.SocketException e) {
                out.add(a); // cannot list interfaces: announce what we have
            }
        }
        return out;
    }

    private static PeerAddresses mergeAddresses(PeerAddresses a, PeerAddresses b) {
        List<Multiaddr> all = new ArrayList<>(a.addresses());
        for (Multiaddr m : b.addresses()) if (!all.contains(m)) all.add(m);
        return new PeerAddresses(a.peer(), all);
    }
}
