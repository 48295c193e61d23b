package io.spore.p2p.host;

import io.netty.channel.Channel;
import io.spore.p2p.identify.IdentifyService;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.ping.PingService;
import io.spore.p2p.ping.Pinger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class HostTest {
    private final List<Host> hosts = new ArrayList<>();

    Host host() {
        Host h = Hosts.start(HostConfig.defaults(KeyPair.generate()));
        hosts.add(h);
        EchoHandler.install(h);
        return h;
    }

    @AfterEach void closeHosts() {
        hosts.forEach(Host::close);
    }

    static Multiaddr addr(Host h) {
        return h.listenAddresses().getFirst().withPeerId(h.peerId());
    }

    @Test void connectsIdentifiesAndPings() throws Exception {
        Host a = host(), b = host();
        CompletableFuture<PeerInfo> aLearns = new CompletableFuture<>(), bLearns = new CompletableFuture<>();
        a.onIdentified(aLearns::complete);
        b.onIdentified(bLearns::complete);
        Connection c = a.connect(addr(b)).get(10, TimeUnit.SECONDS);
        assertEquals(b.peerId(), c.remotePeer());
        assertTrue(c.isInitiator());
        PeerInfo info = aLearns.get(10, TimeUnit.SECONDS);
        assertEquals(b.peerId(), info.peer());
        assertEquals(b.listenAddresses(), info.listenAddresses());
        assertTrue(info.protocols().containsAll(List.of(IdentifyService.ID, PingService.ID, EchoHandler.PROTOCOL)), info.protocols().toString());
        assertEquals(HostConfig.DEFAULT_AGENT, info.agentVersion());
        PeerInfo back = bLearns.get(10, TimeUnit.SECONDS);
        assertEquals(a.peerId(), back.peer());
        assertEquals(c.remoteAddress().toString().replaceAll("/tcp/\\d+", ""), back.observedAddress() == null ? "" : back.observedAddress().toString().replaceAll("/tcp/\\d+", ""));
        assertEquals(b.listenAddresses(), a.addressBook().addresses(b.peerId()));
        // The same connection is reused.
        assertSame(c, a.connect(addr(b)).get(5, TimeUnit.SECONDS));
        assertSame(c, a.connect(b.peerId()).get(5, TimeUnit.SECONDS));
        try (Pinger p = PingService.open(c).get(5, TimeUnit.SECONDS)) {
            for (int i = 0; i < 3; i++) {
                Duration rtt = p.ping().get(5, TimeUnit.SECONDS);
                assertTrue(rtt.toNanos() > 0);
            }
        }
    }

    @Test void identifyPushTellsConnectedPeersAboutNewProtocols() throws Exception {
        Host a = host(), b = host();
        CompletableFuture<PeerInfo> pushed = new CompletableFuture<>();
        a.onIdentified(i -> {
            if (i.protocols().contains("/spore/test/new/1.0.0")) pushed.complete(i);
        });
        a.connect(addr(b)).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 100 && a.peerInfo(b.peerId()).isEmpty(); i++) Thread.sleep(20);
        b.handle("/spore/test/new/1.0.0", (s, c) -> s.close());
        assertEquals(b.peerId(), pushed.get(10, TimeUnit.SECONDS).peer());
        b.unhandle("/spore/test/new/1.0.0");
        for (int i = 0; i < 100 && a.peerInfo(b.peerId()).orElseThrow().protocols().contains("/spore/test/new/1.0.0"); i++) Thread.sleep(20);
        assertFalse(a.peerInfo(b.peerId()).orElseThrow().protocols().contains("/spore/test/new/1.0.0"));
    }

    @Test void connectionLimitRefusesFurtherDials() throws Exception {
        Host a = Hosts.start(HostConfig.defaults(KeyPair.generate()).withMaxConnections(1));
        hosts.add(a);
        Host b = host(), c = host();
        a.connect(addr(b)).get(10, TimeUnit.SECONDS);
        var e = assertThrows(ExecutionException.class, () -> a.connect(addr(c)).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("connection limit of 1"), e.getCause().getMessage());
    }

    @Test void hundredParallelStreamsOfOneMebibyteAreByteExact() throws Exception {
        Host a = host(), b = host();
        Connection c = a.connect(addr(b)).get(10, TimeUnit.SECONDS);
        List<byte[]> sent = new ArrayList<>();
        List<CompletableFuture<byte[]>> got = new ArrayList<>();
        Random r = new Random(42);
        for (int i = 0; i < 100; i++) {
            byte[] data = new byte[1 << 20];
            r.nextBytes(data);
            sent.add(data);
            got.add(c.openStream(EchoHandler.PROTOCOL).thenCompose(s -> Transfer.exchange(s, data)));
        }
        for (int i = 0; i < 100; i++) assertArrayEquals(sent.get(i), got.get(i).get(60, TimeUnit.SECONDS), "stream " + i);
    }

    @Test void unknownProtocolFailsWithItsName() throws Exception {
        Host a = host(), b = host();
        Connection c = a.connect(addr(b)).get(10, TimeUnit.SECONDS);
        var e = assertThrows(ExecutionException.class, () -> c.openStream("/nope/1.0.0").get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("/nope/1.0.0"), e.getCause().getMessage());
        // The connection still works.
        Channel s = c.openStream(EchoHandler.PROTOCOL).get(10, TimeUnit.SECONDS);
        assertArrayEquals(new byte[]{1, 2, 3}, Transfer.exchange(s, new byte[]{1, 2, 3}).get(10, TimeUnit.SECONDS));
    }

    @Test void wrongPeerIdInTheAddressIsRefused() {
        Host a = host(), b = host();
        PeerId other = KeyPair.generate().peerId();
        var e = assertThrows(ExecutionException.class, () -> a.connect(b.listenAddresses().getFirst().withPeerId(other)).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("check the /p2p/ part"), e.getCause().getMessage());
    }

    @Test void simultaneousDialsEndWithOneConnection() throws Exception {
        Host a = host(), b = host();
        var ab = a.connect(addr(b));
        var ba = b.connect(addr(a));
        ab.get(10, TimeUnit.SECONDS);
        ba.get(10, TimeUnit.SECONDS);
        // Either dial may find the other's connection already up and reuse it (one TCP
        // connection), or both cross (two): then each side keeps the one dialed by the lower peer
        // id. Until the second upgrade completes, each side may briefly hold a different one, so
        // wait until both hold the same connection: opposite initiator flags.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !sameConnection(a, b)) Thread.sleep(20);
        assertEquals(1, a.connections().size());
        assertEquals(1, b.connections().size());
        Connection x = a.connections().iterator().next(), y = b.connections().iterator().next();
        assertEquals(x.isInitiator(), !y.isInitiator(), "both sides keep the same connection");
        assertSame(x, a.connect(addr(b)).get(5, TimeUnit.SECONDS));
        Channel s = x.openStream(EchoHandler.PROTOCOL).get(10, TimeUnit.SECONDS);
        assertArrayEquals(new byte[]{9}, Transfer.exchange(s, new byte[]{9}).get(10, TimeUnit.SECONDS));
    }

    private static boolean sameConnection(Host a, Host b) {
        if (a.connections().size() != 1 || b.connections().size() != 1) return false;
        return a.connections().iterator().next().isInitiator() != b.connections().iterator().next().isInitiator();
    }

    @Test void reconnectsOnDemandAfterTheConnectionCloses() throws Exception {
        Host a = host(), b = host();
        Connection c = a.connect(addr(b)).get(10, TimeUnit.SECONDS);
        c.close();
        for (int i = 0; i < 100 && !a.connections().isEmpty(); i++) Thread.sleep(20);
        Connection d = a.connect(b.peerId()).get(10, TimeUnit.SECONDS);
        assertNotSame(c, d);
        assertTrue(d.isOpen());
    }

    @Test void dialTimesOutAgainstASilentListener() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Host a = Hosts.start(HostConfig.defaults(KeyPair.generate()).withDialTimeout(Duration.ofMillis(500)));
            hosts.add(a);
            var e = assertThrows(ExecutionException.class,
                    () -> a.connect(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + silent.getLocalPort())).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("did not finish within"), e.getCause().getMessage());
        }
    }
}
