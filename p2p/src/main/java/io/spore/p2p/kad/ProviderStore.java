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
 * {@code maxKeys} keys and {@code maxPerKey} providers per key, so a peer announcing endless keys
 * costs memory only up to the bound.
 */
final class ProviderStore {
    static final Duration VALIDITY = Duration.ofHours(48);
    static final int MAX_ADDRS = 8;

    private record Entry(PeerInfo info, Instant expires) {}

    private final InstantSource clock;
    private final Duration validity;
    private final int maxKeys;
    private final int maxPerKey;
    private final Map<ByteBuffer, LinkedHashMap<KadKey, Entry>> byKey = new HashMap<>();

    ProviderStore(InstantSource clock, Duration validity, int maxKeys, int maxPerKey) {
        this.clock = clock;
        this.validity = validity;
        this.maxKeys = maxKeys;
        this.maxPerKey = maxPerKey;
    }

    ProviderStore() { this(InstantSource.system(), VALIDITY, 100_000, 64); }

    /** Records (or renews) {@code provider} for {@code key}; false when a bound refused it. */
    synchronized boolean add(byte[] key, PeerId provider, List<Multiaddr> addresses) {
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        LinkedHashMap<KadKey, Entry> providers = byKey.get(k);
        if (providers == null) {
            if (byKey.size() >= maxKeys) {
                cleanup();
                if (byKey.size() >= maxKeys) return false;
            }
            providers = new LinkedHashMap<>();
            byKey.put(k, providers);
        }
        KadKey pk = KadKey.of(provider);
        providers.remove(pk);
        if (providers.size() >= maxPerKey) {
            // Drop the oldest record: the newest announcements are the likeliest to be reachable.
            Iterator<KadKey> it = providers.keySet().iterator();
            it.next();
            it.remove();
        }
        List<Multiaddr> addrs = addresses.size() > MAX_ADDRS ? addresses.subList(0, MAX_ADDRS) : addresses;
        providers.put(pk, new Entry(new PeerInfo(provider, addrs), clock.instant().plus(validity)));
        return true;
    }

    /** Unexpired providers of {@code key}, most recently added first, at most {@code limit}. */
    synchronized List<PeerInfo> get(byte[] key, int limit) {
        LinkedHashMap<KadKey, Entry> providers = byKey.get(ByteBuffer.wrap(key));
        if (providers == null) return List.of();
        Instant now = clock.instant();
        List<PeerInfo> out = new ArrayList<>();
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
            if (providers.isEmpty()) it.remove();
        }
        return removed;
    }

    synchronized int keyCount() { return byKey.size(); }
}
