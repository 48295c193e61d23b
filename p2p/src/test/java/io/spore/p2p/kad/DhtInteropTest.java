package io.spore.p2p.kad;

import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.kadinterop.JsPeers;
import io.spore.p2p.kadinterop.LineProcess;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Spore's DHT against real js-libp2p {@code @libp2p/kad-dht} peers on loopback: each side
 * provides a key and the other finds the provider through a third node.
 */
class DhtInteropTest {
    static final String SCRIPT = "kad-mdns-peer.mjs";
    static final Duration WAIT = Duration.ofSeconds(40);
    static final DhtConfig CONFIG = DhtConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));

    Path jsDir;
    final List<AutoCloseable> open = new ArrayList<>();

    @TempDir Path work;

    @BeforeEach
    void fixtures() throws Exception {
        jsDir = JsPeers.dir(work);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    record Js(LineProcess process, PeerId id, Multiaddr address) {}

    Js js() throws Exception {
        LineProcess p = new LineProcess("js", JsPeers.command(SCRIPT), jsDir);
        open.add(p);
        PeerId id = PeerId.parse(p.awaitPrefix("id ", WAIT).substring(3));
        Multiaddr addr = Multiaddr.parse(p.awaitPrefix("listening ", WAIT).substring("listening ".length()));
        p.awaitPrefix("ready", WAIT);
        return new Js(p, id, addr);
    }

    Dht spore(DhtConfig config) {
        Host h = Hosts.start(HostConfig.defaults(KeyPair.generate()));
        open.add(h);
        Dht d = Dht.start(h, config);
        open.add(d);
        return d;
    }

    static void dial(Js from, Multiaddr to) throws Exception {
        from.process.send("dial " + to);
        from.process.awaitPrefix("dialed ", WAIT);
    }

    /** Waits until js's routing table holds at least {@code n} peers (it adds them after identify). */
    static void awaitRoutingTable(Js js, int n) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            js.process.send("rt");
            int size = Integer.parseInt(js.process.awaitPrefix("rt ", WAIT).substring(3).trim());
            if (size >= n) return;
            if (System.nanoTime() > end) fail("js routing table stayed at " + size + " peers; output:\n" + js.process.output());
            Thread.sleep(200);
        }
    }

    static Multiaddr addr(Dht d) { return d.host().listenAddresses().getFirst().withPeerId(d.host().peerId()); }

    @Test
    void jsProvidesAndSporeFindsTheProviderThroughAJsNode() throws Exception {
        Js a = js();
        Js b = js();
        dial(b, a.address);
        awaitRoutingTable(b, 1);
        Cid cid = Cid.raw("js provides".getBytes());
        b.process.send("provide " + cid);
        b.process.awaitPrefix("provided", WAIT);

        Dht s = spore(CONFIG);
        s.bootstrap(List.of(a.address)).get(40, TimeUnit.SECONDS);
        List<PeerAddresses> providers = s.findProviders(cid, 1).get(40, TimeUnit.SECONDS);
        assertEquals(1, providers.size(), "providers found");
        assertEquals(b.id, providers.getFirst().peer());
        assertTrue(providers.getFirst().addresses().contains(b.address.withoutPeerId()), providers.toString());

        Optional<PeerAddresses> peer = s.findPeer(b.id).get(40, TimeUnit.SECONDS);
        assertTrue(peer.isPresent() && peer.get().addresses().contains(b.address.withoutPeerId()), peer.toString());
    }

    @Test
    void sporeProvidesAndJsFindsTheProviderThroughAJsNode() throws Exception {
        Js a = js();
        Dht s = spore(CONFIG);
        s.bootstrap(List.of(a.address)).get(40, TimeUnit.SECONDS);
        awaitRoutingTable(a, 1); // js adds Spore once identify lists /ipfs/kad/1.0.0
        Cid cid = Cid.raw("spore provides".getBytes());
        assertTrue(s.provide(cid).get(40, TimeUnit.SECONDS) >= 1);

        Js c = js();
        dial(c, a.address);
        awaitRoutingTable(c, 1);
        c.process.send("findprov " + cid + " 1");
        String line = c.process.awaitPrefix("provider ", WAIT);
        assertTrue(line.startsWith("provider " + s.host().peerId() + " "), line);
        assertTrue(line.contains(s.host().listenAddresses().getFirst().toString()), line);

        c.process.send("findpeer " + s.host().peerId());
        String peer = c.process.awaitPrefix("peer ", WAIT);
        assertTrue(peer.startsWith("peer " + s.host().peerId()), peer);
    }

    @Test
    void jsProvidesToASporeServerAndAnotherJsFindsItThere() throws Exception {
        Dht server = spore(CONFIG);
        Js b = js();
        Js c = js();
        dial(b, addr(server));
        dial(c, addr(server));
        awaitRoutingTable(b, 1);
        awaitRoutingTable(c, 1);
        Cid cid = Cid.raw("through spore".getBytes());
        b.process.send("provide " + cid);
        b.process.awaitPrefix("provided", WAIT);
        c.process.send("findprov " + cid + " 1");
        String line = c.process.awaitPrefix("provider ", WAIT);
        assertTrue(line.startsWith("provider " + b.id + " "), line);
        assertTrue(server.routingTableContains(b.id) && server.routingTableContains(c.id), "js servers enter Spore's table");
    }
}
