package io.spore.p2p.mdns;

import io.spore.p2p.kadinterop.JsPeers;
import io.spore.p2p.kadinterop.LineProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Spore and js-libp2p find each other by mDNS, each in a network namespace of its own joined by a
 * veth pair, so no multicast leaves the test. Needs root, iproute2 and the npm peers.
 */
class MdnsInteropTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static List<String> sporePeer(int tcpPort) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "-cp", System.getProperty("java.class.path"), MdnsPeerMain.class.getName(), Integer.toString(tcpPort));
    }

    @Test
    void sporeAndJsFindEachOther(@TempDir Path work) throws Exception {
        JsPeers.require(JsPeers.isRoot() && JsPeers.onPath("ip"), "the mDNS interop test needs root and iproute2 for network namespaces");
        Path js = JsPeers.dir(work);
        try (NetnsPair net = new NetnsPair();
             LineProcess spore = new LineProcess("spore", NetnsPair.exec(net.a, sporePeer(4001)), null);
             LineProcess node = new LineProcess("js", NetnsPair.exec(net.b, JsPeers.command("kad-mdns-peer.mjs", "--mdns", "--listen", "/ip4/0.0.0.0/tcp/0")), js)) {
            String sporeId = spore.awaitPrefix("id ", WAIT).substring(3);
            String jsId = node.awaitPrefix("id ", WAIT).substring(3);
            String jsSawSpore = node.awaitPrefix("discovered " + sporeId, WAIT);
            String sporeSawJs = spore.awaitPrefix("discovered " + jsId, WAIT);
            assertTrue(jsSawSpore.contains("/ip4/" + net.addrA + "/tcp/4001"), jsSawSpore);
            assertTrue(sporeSawJs.contains("/ip4/" + net.addrB + "/tcp/"), sporeSawJs);
            String booked = spore.awaitPrefix("book " + jsId + " /ip4/" + net.addrB + "/tcp/", WAIT);
            assertTrue(booked.endsWith(" 120"), "the record's TTL goes to the address book: " + booked);
        }
    }

    @Test
    void twoSporePeersFindEachOtherButNotThemselves() throws Exception {
        JsPeers.require(JsPeers.isRoot() && JsPeers.onPath("ip"), "the mDNS test needs root and iproute2 for network namespaces");
        try (NetnsPair net = new NetnsPair();
             LineProcess a = new LineProcess("spore-a", NetnsPair.exec(net.a, sporePeer(4001)), null);
             LineProcess b = new LineProcess("spore-b", NetnsPair.exec(net.b, sporePeer(4002)), null)) {
            String idA = a.awaitPrefix("id ", WAIT).substring(3);
            String idB = b.awaitPrefix("id ", WAIT).substring(3);
            assertTrue(a.awaitPrefix("discovered " + idB, WAIT).contains("/ip4/" + net.addrB + "/tcp/4002"));
            assertTrue(b.awaitPrefix("discovered " + idA, WAIT).contains("/ip4/" + net.addrA + "/tcp/4001"));
            assertFalse(a.output().contains("discovered " + idA), "a peer must not discover itself");
        }
    }
}
