package io.spore.p2p.kad;

import io.spore.p2p.identity.PeerId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kademlia routing table: one bucket of at most {@code k} peers per common-prefix length with
 * the local key. A full bucket keeps its old peers (long-lived peers are the likeliest to stay);
 * peers leave when a request to them fails, which makes room for new ones.
 * Only server-mode peers are added (the caller checks).
 */
final class RoutingTable {
    private final KadKey self;
    private final int k;
    /** Index = common prefix length with self; insertion order = least recently seen first. */
    private final List<Map<KadKey, PeerId>> buckets = new ArrayList<>();

    RoutingTable(KadKey self, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1");
        this.self = self;
        this.k = k;
        for (int i = 0; i < KadKey.BITS; i++) buckets.add(new LinkedHashMap<>());
    }

    /** Adds or refreshes {@code peer}; false when it is the local peer or its bucket is full. */
    synchronized boolean add(PeerId peer) {
        KadKey key = KadKey.of(peer);
        int cpl = self.commonPrefixLength(key);
        if (cpl == KadKey.BITS) return false;
        Map<KadKey, PeerId> bucket = buckets.get(cpl);
        if (bucket.remove(key) != null) {
            bucket.put(key, peer);
            return true;
        }
        if (bucket.size() >= k) return false;
        bucket.put(key, peer);
        return true;
    }

    synchronized boolean remove(PeerId peer) {
        KadKey key = KadKey.of(peer);
        int cpl = self.commonPrefixLength(key);
        return cpl < KadKey.BITS && buckets.get(cpl).remove(key) != null;
    }

    synchronized boolean contains(PeerId peer) {
        KadKey key = KadKey.of(peer);
        int cpl = self.commonPrefixLength(key);
        return cpl < KadKey.BITS && buckets.get(cpl).containsKey(key);
    }

    synchronized int size() {
        int n = 0;
        for (Map<KadKey, PeerId> b : buckets) n += b.size();
        return n;
    }

    /** Peers in the bucket of common prefix length {@code cpl}, least recently seen first. */
    synchronized List<PeerId> bucket(int cpl) { return List.copyOf(buckets.get(cpl).values()); }

    /** The {@code n} known peers closest to {@code target}, closest first. */
    synchronized List<PeerId> closest(KadKey target, int n) {
        record Candidate(KadKey key, PeerId peer) {}
        List<Candidate> all = new ArrayList<>();
        for (Map<KadKey, PeerId> b : buckets) b.forEach((key, peer) -> all.add(new Candidate(key, peer)));
        Comparator<KadKey> byDistance = target.byDistance();
        all.sort((a, b) -> byDistance.compare(a.key, b.key));
        List<PeerId> out = new ArrayList<>(Math.min(n, all.size()));
        for (int i = 0; i < all.size() && i < n; i++) out.add(all.get(i).peer);
        return out;
    }
}
