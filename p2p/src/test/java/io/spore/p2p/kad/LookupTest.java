package io.spore.p2p.kad;

import com.google.protobuf.ByteString;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.proto.KadProto.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Lookups over a simulated network of real {@link KadServer}s, each with a partial view. */
class LookupTest {
    record Node(PeerId id, RoutingTable table, ProviderStore store, KadServer server) {}

    final Map<PeerId, Node> nodes = new HashMap<>();
    final Set<PeerId> dead = new HashSet<>();
    final AtomicInteger sent = new AtomicInteger();

    static List<Multiaddr> addr(PeerId p) { return List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001")); }

    void network(int n, int neighbours) {
        List<PeerId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(KeyPair.generate().peerId());
        for (PeerId id : ids) {
            RoutingTable t = new RoutingTable(KadKey.of(id), 20);
            ProviderStore s = new ProviderStore();
            nodes.put(id, new Node(id, t, s, new KadServer(id, () -> addr(id), t, s, LookupTest::addr, 20)));
        }
        // Each node knows its nearest neighbours plus a few random ones, as a real table would.
        java.util.Random r = new java.util.Random(42);
        for (PeerId id : ids) {
            List<PeerId> byDist = new ArrayList<>(ids);
            byDist.sort(Comparator.comparing(KadKey::of, KadKey.of(id).byDistance()));
            for (int i = 1; i <= neighbours; i++) nodes.get(id).table.add(byDist.get(i));
            for (int i = 0; i < neighbours; i++) nodes.get(id).table.add(ids.get(r.nextInt(n)));
        }
    }

    CompletableFuture<Message> rpc(PeerId from, PeerAddresses to, Message req) {
        sent.incrementAndGet();
        if (dead.contains(to.peer())) return CompletableFuture.failedFuture(new java.io.IOException("dial failed"));
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return nodes.get(to.peer()).server.handle(from, req);
                } catch (KadException e) {
                    throw new RuntimeException(e);
                }
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    Lookup lookup(PeerId from, byte[] key, Message.MessageType type, Lookup.Listener listener, int maxRequests) {
        Message req = Message.newBuilder().setType(type).setKey(ByteString.copyFrom(key)).build();
        return new Lookup(from, KadKey.of(key), req, new Lookup.Params(20, 10, 3, maxRequests, Duration.ofSeconds(20)),
                (to, m) -> rpc(from, to, m), listener);
    }

    List<PeerAddresses> seeds(PeerId from, KadKey target) {
        return nodes.get(from).table.closest(target, 20).stream().map(p -> new PeerAddresses(p, addr(p))).toList();
    }

    @Test
    void findNodeConvergesOnTheTrueClosestPeers() throws Exception {
        network(300, 8);
        PeerId from = nodes.keySet().iterator().next();
        byte[] key = KeyPair.generate().peerId().bytes();
        KadKey target = KadKey.of(key);
        List<PeerAddresses> found = lookup(from, key, Message.MessageType.FIND_NODE, (f, r) -> false, 300)
                .run(seeds(from, target)).get(30, TimeUnit.SECONDS);
        List<PeerId> truth = new ArrayList<>(nodes.keySet());
        truth.remove(from);
        truth.sort(Comparator.comparing(KadKey::of, target.byDistance()));
        List<PeerId> got = found.stream().map(PeerAddresses::peer).toList();
        assertEquals(20, got.size());
        // The closest few must be exact; the tail may differ in a sparse simulated network.
        assertEquals(truth.subList(0, 5), got.subList(0, 5));
        assertTrue(sent.get() < 300, "a lookup asks a small part of the network, asked " + sent.get());
    }

    @Test
    void getProvidersStopsWhenEnoughAreFoundAndSurvivesDeadPeers() throws Exception {
        network(200, 8);
        List<PeerId> ids = new ArrayList<>(nodes.keySet());
        PeerId provider = ids.get(0);
        PeerId from = ids.get(1);
        byte[] key = io.spore.p2p.multiformats.Cid.raw(new byte[]{9}).multihash().bytes();
        KadKey target = KadKey.of(key);
        // The provider announced to the 20 closest; a quarter of all the others are down.
        ids.sort(Comparator.comparing(KadKey::of, target.byDistance()));
        for (PeerId p : ids.subList(0, 20)) nodes.get(p).store.add(key, provider, addr(provider));
        for (int i = 20; i < ids.size(); i += 4) if (!ids.get(i).equals(from)) dead.add(ids.get(i));
        List<PeerAddresses> providers = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        lookup(from, key, Message.MessageType.GET_PROVIDERS, new Lookup.Listener() {
            @Override public synchronized boolean onReply(PeerAddresses f, Message r) {
                providers.addAll(KadCodec.fromProto(r.getProviderPeersList()));
                return !providers.isEmpty();
            }

            @Override public void onFailure(PeerAddresses peer, Throwable error) { failures.incrementAndGet(); }
        }, 200).run(seeds(from, target)).get(30, TimeUnit.SECONDS);
        assertFalse(providers.isEmpty());
        assertEquals(provider, providers.get(0).peer());
    }

    @Test
    void boundedByMaxRequests() throws Exception {
        network(200, 8);
        PeerId from = nodes.keySet().iterator().next();
        byte[] key = KeyPair.generate().peerId().bytes();
        Lookup l = lookup(from, key, Message.MessageType.FIND_NODE, (f, r) -> false, 7);
        l.run(seeds(from, KadKey.of(key))).get(30, TimeUnit.SECONDS);
        assertEquals(7, l.requestsSent());
        assertEquals(7, sent.get());
    }

    @Test
    void deadlineEndsALookupWhosePeersNeverAnswer() throws Exception {
        network(30, 8);
        PeerId from = nodes.keySet().iterator().next();
        byte[] key = KeyPair.generate().peerId().bytes();
        Message req = Message.newBuilder().setType(Message.MessageType.FIND_NODE).setKey(ByteString.copyFrom(key)).build();
        Lookup l = new Lookup(from, KadKey.of(key), req, new Lookup.Params(20, 10, 3, 100, Duration.ofMillis(300)),
                (to, m) -> new CompletableFuture<>(), (f, r) -> false);
        long t0 = System.nanoTime();
        List<PeerAddresses> got = l.run(seeds(from, KadKey.of(key))).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), got);
        assertTrue(System.nanoTime() - t0 >= 250_000_000L);
    }
}
