package io.spore.p2p.kad;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider records received by ADD_PROVIDER (and our own), keyed by the provider key's bytes (a
 * multihash), each valid for {@link #VALIDITY} after it was last added. Bounded: at most
 * {@code maxKeys} keys, {@code maxPerKey} providers per key and {@code 4 * maxKeys} records in
 * all, so a peer announcing endless keys costs memory only up to the bound.
 */
final class ProviderStore {
    static final Duration VALIDITY = Duration.ofHours(48);
    static final int MAX_ADDRS = 8;

    private record Entry(PeerAddresses info, Instant expires) {}

    private final InstantSource clock;
    private final Duration validity;
    private final int maxKeys;
    private final int maxPerKey;
    private final Map<ByteBuffer, LinkedHashMap<KadKey, Entry>> byKey = new HashMap<>();
    private int records;

    ProviderStore(InstantSource clock, Duration validity, int maxKeys, int maxPerKey) {
        this.clock = clock;
        this.validity = validity;
        this.maxKeys = maxKeys;
        this.maxPerKey = maxPerKey;
    }

    ProviderStore() { this(InstantSource.system(), VALIDITY, 50_000, 64); }

    /** Records (or renews) {@code provider} for {@code key}; false when a bound refused it. */
    synchronized boolean add(byte[] key, PeerId provider, List<Multiaddr> addresses) {
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        LinkedHashMap<KadKey, Entry> providers = byKey.get(k);
        KadKey pk = KadKey.of(provider);
        boolean renewal = providers != null && providers.containsKey(pk);
        if (!renewal && full(providers == null)) {
            cleanup();
            providers = byKey.get(k);
            if (full(providers == null)) return false;
        }
        if (providers == null) {
            providers = new LinkedHashMap<>();
            byKey.put(k, providers);
        }
        if (providers.remove(pk) != null) records--;
        if (providers.size() >= maxPerKey) {
            // Drop the oldest record: the newest announcements are the likeliest to be reachable.
            Iterator<KadKey> it = providers.keySet().iterator();
            it.next();
            it.remove();
            records--;
        }
        records++;
        List<Multiaddr> addrs = addresses.size() > MAX_ADDRS ? addresses.subList(0, MAX_ADDRS) : addresses;
        providers.put(pk, new Entry(new PeerAddresses(provider, addrs), clock.instant().plus(validity)));
        return true;
    }

    private boolean full(boolean newKey) {
        return (newKey && byKey.size() >= maxKeys) || records >= 4L * maxKeys;
    }

    /** Unexpired providers of {@code key}, most recently added first, at most {@code limit}. */
    synchronized List<PeerAddresses> get(byte[] key, int limit) {
        LinkedHashMap<KadKey, Entry> providers = byKey.get(ByteBuffer.wrap(key));
        if (providers == null) return List.of();
        Instant now = clock.instant();
        List<PeerAddresses> out = new ArrayList<>();
        for (Entry e : providers.sequencedValues().reversed()) {
            if (out.size() >= limit) break;
            if (e.expires.isAfter(now)) out.add(e.info);
        }
        return out;
    }

    /** Removes expired records; returns how many. */
    synchronized int cleanup() {
        Instant now = clock.instant();
        int removed = 0;
        for (Iterator<LinkedHashMap<KadKey, Entry>> it = byKey.values().iterator(); it.hasNext(); ) {
            LinkedHashMap<KadKey, Entry> providers = it.next();
            int before = providers.size();
            providers.values().removeIf(e -> !e.expires.isAfter(now));
            removed += before - providers.size();
            records -= before - providers.size();
            if (providers.isEmpty()) it.remove();
        }
        return removed;
    }

    synchronized int keyCount() { return byKey.size(); }

    synchronized int recordCount() { return records; }
}
