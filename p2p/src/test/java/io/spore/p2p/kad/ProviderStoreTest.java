package io.spore.p2p.kad;

import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class ProviderStoreTest {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    final InstantSource clock = () -> now.get();
    final List<Multiaddr> addrs = List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001"));

    @Test
    void recordsExpireAfterValidityAndRenewOnReAdd() {
        ProviderStore store = new ProviderStore(clock, ProviderStore.VALIDITY, 10, 10);
        PeerId p = KeyPair.generate().peerId();
        byte[] key = {0x12, 0x20, 1, 2, 3};
        store.add(key, p, addrs);
        now.set(now.get().plus(Duration.ofHours(47)));
        assertEquals(List.of(new PeerAddresses(p, addrs)), store.get(key, 10));
        store.add(key, p, addrs); // a republish renews it
        now.set(now.get().plus(Duration.ofHours(47)));
        assertEquals(1, store.get(key.clone(), 10).size());
        now.set(now.get().plus(Duration.ofHours(2)));
        assertEquals(List.of(), store.get(key, 10));
        assertEquals(1, store.cleanup());
        assertEquals(0, store.keyCount());
    }

    @Test
    void boundedPerKeyAndInKeys() {
        ProviderStore store = new ProviderStore(clock, ProviderStore.VALIDITY, 2, 3);
        byte[] key = {1};
        PeerId[] peers = new PeerId[5];
        for (int i = 0; i < 5; i++) {
            peers[i] = KeyPair.generate().peerId();
            assertTrue(store.add(key, peers[i], addrs));
        }
        List<PeerAddresses> got = store.get(key, 10);
        assertEquals(3, got.size());
        assertEquals(peers[4], got.get(0).peer(), "newest first");
        assertEquals(peers[2], got.get(2).peer(), "the oldest were dropped");
        assertEquals(2, store.get(key, 2).size());
        assertTrue(store.add(new byte[]{2}, peers[0], addrs));
        assertFalse(store.add(new byte[]{3}, peers[0], addrs), "key bound reached");
        assertTrue(store.add(key, peers[4], addrs), "a renewal is always accepted");
        assertEquals(4, store.recordCount());
    }

    @Test
    void totalRecordsAreBoundedAcrossKeys() {
        ProviderStore store = new ProviderStore(clock, ProviderStore.VALIDITY, 3, 10);
        int accepted = 0;
        for (int i = 0; i < 40; i++) {
            if (store.add(new byte[]{(byte) (i % 3)}, KeyPair.generate().peerId(), addrs)) accepted++;
        }
        assertEquals(12, accepted);
        assertEquals(12, store.recordCount());
        now.set(now.get().plus(Duration.ofHours(49)));
        assertTrue(store.add(new byte[]{7}, KeyPair.generate().peerId(), addrs), "expired records make room");
        assertEquals(1, store.recordCount());
    }
}
