package io.spore.p2p.host;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Addresses in memory with expiry, bounded per peer and in peers so that no peer can fill it. */
final class MemoryAddressBook implements AddressBook {
    static final int MAX_PER_PEER = 32;
    static final int MAX_PEERS = 10_000;
    private final ConcurrentHashMap<PeerId, Map<Multiaddr, Long>> book = new ConcurrentHashMap<>();

    @Override
    public void add(PeerId peer, Multiaddr address, Duration ttl) {
        Multiaddr a = address.withoutPeerId();
        long expiry = System.nanoTime() + Math.min(ttl.toNanos(), Duration.ofDays(365).toNanos());
        if (book.size() >= MAX_PEERS && !book.containsKey(peer)) prune();
        if (book.size() >= MAX_PEERS && !book.containsKey(peer)) return;
        book.compute(peer, (p, m) -> {
            Map<Multiaddr, Long> map = m == null ? new LinkedHashMap<>() : m;
            map.merge(a, expiry, Math::max);
            if (map.size() > MAX_PER_PEER) map.remove(map.keySet().iterator().next());
            return map;
        });
    }

    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        long now = System.nanoTime();
        List<Multiaddr> out = new ArrayList<>();
        book.computeIfPresent(peer, (p, m) -> {
            m.values().removeIf(e -> e - now < 0);
            out.addAll(m.keySet());
            return m.isEmpty() ? null : m;
        });
        return out;
    }

    private void prune() {
        for (PeerId p : List.copyOf(book.keySet())) addresses(p);
    }
}
