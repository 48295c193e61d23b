package io.spore.p2p.kad;

import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.ipns.IpnsName;
import io.spore.p2p.ipns.IpnsRecord;
import io.spore.p2p.kadinterop.JsPeers;
import io.spore.p2p.kadinterop.LineProcess;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * PUT_VALUE / GET_VALUE of IPNS records between Spore's DHT and js-libp2p kad-dht 16 whose
 * validator and selector are js-ipns's: js stores what Spore puts (so js-ipns accepted it), Spore
 * finds what js holds, and js refuses a lower sequence once it holds a higher one.
 */
class DhtIpnsInteropTest {
    static final Duration WAIT = Duration.ofSeconds(40);
    static final DhtConfig CONFIG = DhtConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30));

    final List<AutoCloseable> open = new ArrayList<>();
    @TempDir Path work;
    Path jsDir;

    @BeforeEach
    void fixtures() throws Exception {
        jsDir = JsPeers.dir(work);
        Path ipns = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "npm-ipns", "current");
        JsPeers.require(Files.isDirectory(ipns.resolve("node_modules/ipns")), ipns + " has no js-ipns: run tests/setup/15-ipns-js.sh");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    record Js(LineProcess process, PeerId id, Multiaddr address) {}

    Js js() throws Exception {
        LineProcess p = new LineProcess("js", JsPeers.command("kad-ipns-peer.mjs"), jsDir);
        open.add(p);
        PeerId id = PeerId.parse(p.awaitPrefix("id ", WAIT).substring(3));
        Multiaddr addr = Multiaddr.parse(p.awaitPrefix("listening ", WAIT).substring("listening ".length()));
        p.awaitPrefix("ready", WAIT);
        return new Js(p, id, addr);
    }

    Dht spore() {
        Host h = Hosts.start(HostConfig.defaults(KeyPair.generate()));
        open.add(h);
        Dht d = Dht.start(h, CONFIG);
        open.add(d);
        return d;
    }

    static String local(Js js, byte[] key) throws Exception {
        js.process.send("local " + HexFormat.of().formatHex(key));
        return js.process.awaitPrefix("local ", WAIT).substring("local ".length()).strip();
    }

    @Test
    void sporePutsJsStoresAndValidatesThenRefusesAnOlderSequence() throws Exception {
        Js a = js();
        Dht s = spore();
        s.bootstrap(List.of(a.address)).get(40, TimeUnit.SECONDS);
        KeyPair owner = KeyPair.generate();
        IpnsName name = new IpnsName(owner.peerId());
        Instant eol = Instant.now().plusSeconds(3600);
        byte[] seq2 = IpnsRecord.create(owner, Cid.of(Cid.DAG_CBOR, "two".getBytes()), 2, eol, Duration.ofMinutes(1)).bytes();
        assertEquals(1, s.putValue(name.routingKey(), seq2).get(40, TimeUnit.SECONDS), "the js node took the record");
        assertEquals(Base64.getEncoder().encodeToString(seq2), local(a, name.routingKey()), "js-ipns validated and stored it");

        // a replay of an older sequence, sent straight to js: js keeps sequence 2
        byte[] seq1 = IpnsRecord.create(owner, Cid.of(Cid.DAG_CBOR, "one".getBytes()), 1, eol, Duration.ofMinutes(1)).bytes();
        PeerAddresses to = new PeerAddresses(a.id, List.of(a.address.withoutPeerId()));
        try {
            s.request(to, DhtValueTest.put(name.routingKey(), name.routingKey(), seq1)).get(20, TimeUnit.SECONDS);
        } catch (Exception refused) {
            // js may answer with an error or close the stream: either way it must not store it
        }
        assertEquals(Base64.getEncoder().encodeToString(seq2), local(a, name.routingKey()));
    }

    @Test
    void jsHoldsARecordAndSporeFindsIt() throws Exception {
        Js a = js();
        Dht s = spore();
        s.bootstrap(List.of(a.address)).get(40, TimeUnit.SECONDS);
        KeyPair owner = KeyPair.generate();
        IpnsName name = new IpnsName(owner.peerId());
        byte[] rec = IpnsRecord.create(owner, Cid.of(Cid.DAG_CBOR, "js holds".getBytes()), 5, Instant.now().plusSeconds(600), Duration.ZERO).bytes();
        a.process.send("put " + HexFormat.of().formatHex(name.routingKey()) + " " + Base64.getEncoder().encodeToString(rec));
        a.process.awaitPrefix("put done", WAIT);

        Dht fresh = spore();
        fresh.bootstrap(List.of(a.address)).get(40, TimeUnit.SECONDS);
        List<byte[]> found = fresh.getValues(name.routingKey(), 4).get(40, TimeUnit.SECONDS);
        assertFalse(found.isEmpty(), "Spore found the record js holds");
        assertEquals(5, IpnsRecord.validate(name, found.getFirst(), Instant.now()).sequence());

        a.process.send("get " + HexFormat.of().formatHex(name.routingKey()));
        assertEquals("value " + Base64.getEncoder().encodeToString(rec), a.process.awaitPrefix("value ", WAIT).strip());
    }
}
