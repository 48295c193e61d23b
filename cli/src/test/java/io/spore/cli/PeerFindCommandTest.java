package io.spore.cli;

import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.kad.Dht;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class PeerFindCommandTest {

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    final List<Dht> dhts = new ArrayList<>();

    Host dhtNode() {
        Host h = Hosts.start(HostConfig.defaults(KeyPair.generate()));
        open.add(h);
        Dht d = Dht.start(h);
        open.add(d);
        dhts.add(d);
        return h;
    }

    static String addr(Host h) { return h.listenAddresses().getFirst().withPeerId(h.peerId()).toString(); }

    @Test
    void findsAPeersAddressesThroughTheDht() throws Exception {
        Host boot = dhtNode();
        Host target = dhtNode();
        Host other = dhtNode();
        // target and other join through boot; the command knows only boot.
        for (Host h : List.of(target, other)) h.connect(boot.listenAddresses().getFirst().withPeerId(boot.peerId())).get(10, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (dhts.getFirst().routingTableSize() < 2 && System.nanoTime() < end) Thread.sleep(20); // identify tells boot
        Cli.Result r = Cli.run("peer", "find", target.peerId().toString(), "--bootstrap", addr(boot));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(addr(target)), r.out().lines().toList());

        Cli.Result json = Cli.run("--json", "peer", "find", target.peerId().toCidString(), "--bootstrap", addr(boot));
        assertEquals(0, json.code(), json.err());
        assertEquals("{\"peer\":\"" + target.peerId() + "\",\"addresses\":[\"" + addr(target) + "\"]}", json.out().strip());
    }

    @Test
    void errorsAreOneLineWithAFix() {
        String someone = KeyPair.generate().peerId().toString();
        Cli.Result noPeers = Cli.run("peer", "find", someone);
        assertEquals(1, noPeers.code());
        assertEquals(List.of("container: error: no peers to start the DHT lookup from: give --bootstrap /ip4/ADDR/tcp/PORT/p2p/ID or set SPORE_PEERS"),
                noPeers.err().lines().toList());

        Cli.Result badId = Cli.run("peer", "find", "12D3nope", "--bootstrap", "/ip4/127.0.0.1/tcp/1/p2p/" + someone);
        assertEquals(1, badId.code());
        assertEquals(List.of("container: error: '12D3nope' is not a peer id: give one like 12D3KooW... or bafz..."), badId.err().lines().toList());

        Cli.Result noId = Cli.run("peer", "find", someone, "--bootstrap", "/ip4/127.0.0.1/tcp/1");
        assertEquals(1, noId.code());
        assertTrue(noId.err().startsWith("container: error: bootstrap address /ip4/127.0.0.1/tcp/1 has no /p2p/ID"), noId.err());

        Host boot = dhtNode();
        Cli.Result unknown = Cli.run("peer", "find", someone, "--bootstrap", addr(boot), "--timeout", "10");
        assertEquals(1, unknown.code());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        assertTrue(unknown.err().startsWith("container: error: peer " + someone + " was not found in the DHT"), unknown.err());
    }
}
