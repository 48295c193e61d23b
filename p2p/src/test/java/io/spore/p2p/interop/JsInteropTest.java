package io.spore.p2p.interop;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.EchoHandler;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.host.PeerInfo;
import io.spore.p2p.host.Transfer;
import io.spore.p2p.identify.IdentifyService;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.ping.PingService;
import io.spore.p2p.ping.Pinger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Spore against js-libp2p 3 (noise, yamux, identify, ping) both ways. */
class JsInteropTest {
    private JsPeer js;
    private Host host;

    @BeforeEach void start() throws Exception {
        js = JsPeer.start("spore-peer.mjs", Map.of());
        host = Hosts.start(HostConfig.defaults(KeyPair.generate()));
        EchoHandler.install(host);
    }

    @AfterEach void stop() {
        if (host != null) host.close();
        if (js != null) js.close();
    }

    Multiaddr hostAddr() {
        return host.listenAddresses().getFirst().withPeerId(host.peerId());
    }

    @Test void javaDialsJsIdentifiesAndPings() throws Exception {
        CompletableFuture<PeerInfo> learned = new CompletableFuture<>();
        host.onIdentified(learned::complete);
        Connection c = host.connect(js.addresses().getFirst()).get(20, TimeUnit.SECONDS);
        assertEquals(js.peerId(), c.remotePeer());
        PeerInfo info = learned.get(20, TimeUnit.SECONDS);
        assertTrue(info.protocols().containsAll(List.of(IdentifyService.ID, PingService.ID, EchoHandler.PROTOCOL)), info.protocols().toString());
        assertTrue(info.agentVersion().contains("js-libp2p"), info.agentVersion());
        assertEquals(js.addresses().getFirst().withoutPeerId(), info.listenAddresses().getFirst());
        try (Pinger p = PingService.open(c).get(10, TimeUnit.SECONDS)) {
            for (int i = 0; i < 3; i++) assertTrue(p.ping().get(10, TimeUnit.SECONDS).toNanos() > 0);
        }
        // js learned about us through our identify answer.
        JsonNode pi = waitForProtocols(js, host.peerId().toString());
        Set<String> jsSees = new HashSet<>();
        pi.get("protocols").forEach(n -> jsSees.add(n.asText()));
        assertEquals(host.protocols(), jsSees);
        assertEquals(HostConfig.DEFAULT_AGENT, pi.get("agentVersion").asText());
        assertEquals(IdentifyService.PROTOCOL_VERSION, pi.get("protocolVersion").asText());
        assertTrue(pi.get("addrs").toString().contains(host.listenAddresses().getFirst().toString()), pi.toString());
    }

    static JsonNode waitForProtocols(JsPeer js, String peer) throws Exception {
        JsonNode pi = null;
        for (int i = 0; i < 100; i++) {
            try {
                pi = js.call("peerinfo", Map.of("peer", peer));
                if (pi.get("protocols").size() > 0 && !pi.get("agentVersion").isNull()) return pi;
            } catch (java.io.IOException notYet) {
                // the peer store has no entry yet
            }
            Thread.sleep(100);
        }
        fail("js never identified " + peer + ": " + pi);
        return null;
    }

    @Test void jsDialsJavaIdentifiesAndPings() throws Exception {
        CompletableFuture<PeerInfo> learned = new CompletableFuture<>();
        host.onIdentified(learned::complete);
        JsonNode d = js.call("dial", Map.of("addr", hostAddr().toString()));
        assertEquals(host.peerId().toString(), d.get("peer").asText());
        JsonNode r = js.call("ping", Map.of("addr", hostAddr().toString()));
        assertTrue(r.get("rtt").asDouble() >= 0);
        PeerInfo info = learned.get(20, TimeUnit.SECONDS);
        assertEquals(js.peerId(), info.peer());
        assertTrue(info.protocols().contains(PingService.ID));
        Connection c = host.connections().iterator().next();
        assertFalse(c.isInitiator());
        JsonNode pi = waitForProtocols(js, host.peerId().toString());
        assertTrue(pi.get("protocols").toString().contains(EchoHandler.PROTOCOL));
    }

    @Test void hundredParallelStreamsOfOneMebibyteJavaToJs() throws Exception {
        Connection c = host.connect(js.addresses().getFirst()).get(20, TimeUnit.SECONDS);
        List<byte[]> sent = new ArrayList<>();
        List<CompletableFuture<byte[]>> got = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < 100; i++) {
            byte[] data = new byte[1 << 20];
            r.nextBytes(data);
            sent.add(data);
            got.add(c.openStream(EchoHandler.PROTOCOL).thenCompose(s -> Transfer.exchange(s, data)));
        }
        for (int i = 0; i < 100; i++) assertArrayEquals(sent.get(i), got.get(i).get(120, TimeUnit.SECONDS), "stream " + i);
        assertTrue(c.isOpen());
    }

    @Test void hundredParallelStreamsOfOneMebibyteJsToJava() throws Exception {
        JsonNode r = js.call("echo", Map.of("addr", hostAddr().toString(), "streams", 100, "size", 1 << 20), Duration.ofSeconds(180));
        assertEquals(100, r.get("matched").asInt(), r.toString());
    }

    @Test void earlyMuxerNegotiationSkipsTheMultistreamRound() throws Exception {
        // js sends stream_muxers in Noise and so do we: a stream opens right after the handshake.
        Connection c = host.connect(js.addresses().getFirst()).get(20, TimeUnit.SECONDS);
        Channel s = c.openStream(EchoHandler.PROTOCOL).get(10, TimeUnit.SECONDS);
        assertArrayEquals(new byte[]{4, 2}, Transfer.exchange(s, new byte[]{4, 2}).get(10, TimeUnit.SECONDS));
    }
}
