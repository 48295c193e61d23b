package io.spore.p2p.fetch;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Cid;

import java.util.List;
import java.util.function.Consumer;

/**
 * Finds peers that may hold the blocks under a key (an image root or any CID): the DHT's provider
 * records, mDNS neighbours, configured bootstrap peers. The fetcher also asks every connected peer
 * itself (want-have), so implementations only cover peers it does not know yet. A found peer must
 * be connectable by {@link io.spore.p2p.host.Host#connect(PeerId)} (its addresses in the address book).
 */
@FunctionalInterface
public interface ProviderDiscovery {
    /**
     * Starts looking for providers of {@code key}, calling {@code found} (from any thread) for each
     * one, until the returned handle is closed.
     */
    AutoCloseable find(Cid key, Consumer<PeerId> found);

    ProviderDiscovery NONE = (key, found) -> () -> {};

    /** All of {@code sources} at once. */
    static ProviderDiscovery all(List<ProviderDiscovery> sources) {
        List<ProviderDiscovery> copy = List.copyOf(sources);
        return (key, found) -> {
            List<AutoCloseable> handles = copy.stream().map(s -> s.find(key, found)).toList();
            return () -> {
                for (AutoCloseable h : handles) h.close();
            };
        };
    }
}
