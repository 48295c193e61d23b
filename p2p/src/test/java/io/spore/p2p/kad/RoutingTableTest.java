package io.spore.p2p.kad;

import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RoutingTableTest {
    static PeerId randomPeer() { return KeyPair.generate().peerId(); }

    @Test
    void commonPrefixLengthAndDistance() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[0] = 0x01; // differs in bit 7
        assertEquals(7, KadKey.ofHash(a).commonPrefixLength(KadKey.ofHash(b)));
        b[0] = 0;
        b[31] = 0x01;
        assertEquals(255, KadKey.ofHash(a).commonPrefixLength(KadKey.ofHash(b)));
        assertEquals(256, KadKey.ofHash(a).commonPrefixLength(KadKey.ofHash(a)));
        b[0] = (byte) 0x80;
        assertEquals(0, KadKey.ofHash(a).commonPrefixLength(KadKey.ofHash(b)));
        // Unsigned comparison: 0x80 is farther than 0x7f.
        byte[] c = new byte[32];
        c[0] = 0x7f;
        assertTrue(KadKey.ofHash(a).compareDistance(KadKey.ofHash(b), KadKey.ofHash(c)) > 0);
    }

    @Test
    void keyIsSha256OfTheBytes() {
        // sha256("") is well known.
        assertEquals("e3b0c44298fc", KadKey.of(new byte[0]).toString());
        assertEquals(HexFormat.of().parseHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")[0],
                KadKey.of(new byte[0]).distance(KadKey.ofHash(new byte[32]))[0]);
    }

    @Test
    void closestReturnsTheTrueNearestPeersInOrder() {
        RoutingTable table = new RoutingTable(KadKey.of(randomPeer()), 20);
        List<PeerId> added = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            PeerId p = randomPeer();
            if (table.add(p)) added.add(p);
        }
        assertEquals(added.size(), table.size());
        KadKey target = KadKey.of(randomPeer());
        List<PeerId> expected = new ArrayList<>(added);
        expected.sort(Comparator.comparing(KadKey::of, target.byDistance()));
        assertEquals(expected.subList(0, 20), table.closest(target, 20));
        assertEquals(added.size(), table.closest(target, 10_000).size());
    }

    @Test
    void fullBucketRefusesNewPeersUntilOneLeaves() {
        PeerId self = randomPeer();
        KadKey selfKey = KadKey.of(self);
        RoutingTable table = new RoutingTable(selfKey, 3);
        // Half of all random peers land in bucket 0 (first bit differs); fill it.
        List<PeerId> bucket0 = new ArrayList<>();
        while (bucket0.size() < 5) {
            PeerId p = randomPeer();
            if (selfKey.commonPrefixLength(KadKey.of(p)) == 0) bucket0.add(p);
        }
        assertTrue(table.add(bucket0.get(0)));
        assertTrue(table.add(bucket0.get(1)));
        assertTrue(table.add(bucket0.get(2)));
        assertFalse(table.add(bucket0.get(3)), "a full bucket keeps its old peers");
        assertTrue(table.add(bucket0.get(0)), "refreshing a known peer succeeds");
        assertEquals(List.of(bucket0.get(1), bucket0.get(2), bucket0.get(0)), table.bucket(0), "refresh moves it to the back");
        assertTrue(table.remove(bucket0.get(1)));
        assertFalse(table.contains(bucket0.get(1)));
        assertTrue(table.add(bucket0.get(3)));
        assertEquals(3, table.size());
    }

    @Test
    void neverStoresItself() {
        PeerId self = randomPeer();
        RoutingTable table = new RoutingTable(KadKey.of(self), 20);
        assertFalse(table.add(self));
        assertEquals(0, table.size());
        assertFalse(table.remove(self));
    }

    @Test
    void wildcardListenAddressesAreExpandedForAnnouncements() {
        List<io.spore.p2p.multiaddr.Multiaddr> out = Dht.expandWildcards(List.of(
                io.spore.p2p.multiaddr.Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"),
                io.spore.p2p.multiaddr.Multiaddr.parse("/ip4/192.0.2.7/tcp/4002")));
        assertTrue(out.contains(io.spore.p2p.multiaddr.Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")), out.toString());
        assertTrue(out.contains(io.spore.p2p.multiaddr.Multiaddr.parse("/ip4/192.0.2.7/tcp/4002")), out.toString());
        assertTrue(out.stream().noneMatch(a -> a.toString().startsWith("/ip4/0.0.0.0")), out.toString());
    }
}
