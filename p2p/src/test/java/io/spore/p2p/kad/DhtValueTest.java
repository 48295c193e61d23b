package io.spore.p2p.kad;

import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.ipns.IpnsName;
import io.spore.p2p.ipns.IpnsRecord;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.proto.KadProto;
import io.spore.p2p.proto.KadProto.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** PUT_VALUE / GET_VALUE of IPNS records between real hosts on loopback, and the server's checks. */
class DhtValueTest {
    final List<Host> hosts = new ArrayList<>();
    final List<Dht> dhts = new ArrayList<>();
    final KeyPair owner = KeyPair.generate();
    final IpnsName name = new IpnsName(owner.peerId());

    @AfterEach
    void tearDown() {
        dhts.forEach(Dht::close);
        hosts.forEach(Host::close);
    }

    List<Dht> network(int n) throws Exception {
        List<Dht> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Host h = Hosts.start(HostConfig.defaults(KeyPair.generate()));
            hosts.add(h);
            Dht d = Dht.start(h, DhtTest.FAST);
            dhts.add(d);
            out.add(d);
        }
        for (int i = 1; i < n; i++) out.get(i).bootstrap(List.of(DhtTest.addr(out.getFirst()))).get(30, TimeUnit.SECONDS);
        return out;
    }

    byte[] record(long seq, Instant eol) {
        return IpnsRecord.create(owner, Cid.of(Cid.DAG_CBOR, ("image " + seq).getBytes()), seq, eol, Duration.ofMinutes(1)).bytes();
    }

    static long best(List<byte[]> found, IpnsName name) throws Exception {
        IpnsRecord best = null;
        for (byte[] b : found) {
            IpnsRecord r = IpnsRecord.validate(name, b, Instant.now());
            if (best == null || r.betterThan(best)) best = r;
        }
        return best == null ? -1 : best.sequence();
    }

    @Test
    void putThenGetAcrossFiveNodesAndNewerSequenceWins() throws Exception {
        List<Dht> net = network(5);
        Instant eol = Instant.now().plusSeconds(3600);
        assertTrue(net.get(1).putValue(name.routingKey(), record(1, eol)).get(30, TimeUnit.SECONDS) >= 1);
        assertEquals(1, best(net.get(4).getValues(name.routingKey(), 3).get(30, TimeUnit.SECONDS), name));

        assertTrue(net.get(2).putValue(name.routingKey(), record(2, eol)).get(30, TimeUnit.SECONDS) >= 1);
        assertEquals(2, best(net.get(3).getValues(name.routingKey(), 20).get(30, TimeUnit.SECONDS), name));

        // a replay of sequence 1: refused by the publishing node itself, and by every peer holding sequence 2
        ExecutionException local = assertThrows(ExecutionException.class,
                () -> net.get(4).putValue(name.routingKey(), record(1, eol)).get(30, TimeUnit.SECONDS));
        assertTrue(local.getCause().getMessage().contains("not newer than the stored sequence 2"), local.getCause().getMessage());
        Message replay = put(name.routingKey(), name.routingKey(), record(1, eol));
        int holders = 0;
        for (int i = 1; i < 5; i++) {
            Dht d = net.get(i);
            if (d == net.get(0)) continue;
            PeerAddresses to = new PeerAddresses(d.host().peerId(), d.host().listenAddresses());
            boolean holds = new RecordStoreProbe(d).holds(2);
            if (!holds) continue;
            holders++;
            assertThrows(ExecutionException.class, () -> net.get(0).request(to, replay).get(30, TimeUnit.SECONDS),
                    "a node holding sequence 2 refuses sequence 1");
        }
        assertTrue(holders >= 1, "some node holds sequence 2");
        assertEquals(2, best(net.get(0).getValues(name.routingKey(), 20).get(30, TimeUnit.SECONDS), name));
    }

    /** What a node's own store holds for the name, asked over the wire with GET_VALUE. */
    final class RecordStoreProbe {
        final Dht d;
        RecordStoreProbe(Dht d) { this.d = d; }
        boolean holds(long seq) throws Exception {
            PeerAddresses to = new PeerAddresses(d.host().peerId(), d.host().listenAddresses());
            Message got = dhts.getFirst().request(to, Message.newBuilder().setType(Message.MessageType.GET_VALUE)
                    .setKey(com.google.protobuf.ByteString.copyFrom(name.routingKey())).build()).get(30, TimeUnit.SECONDS);
            return got.hasRecord() && IpnsRecord.validate(name, got.getRecord().getValue().toByteArray(), Instant.now()).sequence() == seq;
        }
    }

    @Test
    void nothingFoundForANameNobodyPublished() throws Exception {
        List<Dht> net = network(3);
        byte[] key = new IpnsName(KeyPair.generate().peerId()).routingKey();
        assertEquals(List.of(), net.get(2).getValues(key, 3).get(30, TimeUnit.SECONDS));
    }

    @Test
    void invalidRecordsAreRefusedBeforeTheyLeave() throws Exception {
        Dht d = network(1).getFirst();
        ExecutionException expired = assertThrows(ExecutionException.class,
                () -> d.putValue(name.routingKey(), record(1, Instant.now().minusSeconds(1))).get(5, TimeUnit.SECONDS));
        assertTrue(expired.getCause().getMessage().contains("expired"), expired.getCause().getMessage());
        byte[] otherKey = new IpnsName(KeyPair.generate().peerId()).routingKey();
        ExecutionException foreign = assertThrows(ExecutionException.class,
                () -> d.putValue(otherKey, record(1, Instant.now().plusSeconds(60))).get(5, TimeUnit.SECONDS));
        assertTrue(foreign.getCause().getMessage().contains("signature is not valid"), foreign.getCause().getMessage());
        ExecutionException pk = assertThrows(ExecutionException.class,
                () -> d.putValue("/pk/whatever".getBytes(), new byte[10]).get(5, TimeUnit.SECONDS));
        assertTrue(pk.getCause().getMessage().contains("only /ipns/"), pk.getCause().getMessage());
    }

    @Test
    void serverStoresOnlyValidNewerRecordsAndAnswersGetValue() throws Exception {
        RecordStore store = new RecordStore();
        KeyPair self = KeyPair.generate();
        KadServer server = new KadServer(self.peerId(), List::of, new RoutingTable(KadKey.of(self.peerId()), 20),
                new ProviderStore(), p -> List.of(), 20, store);
        byte[] key = name.routingKey();
        Instant eol = Instant.now().plusSeconds(600);
        Message put2 = put(key, key, record(2, eol));
        assertEquals(put2, server.handle(KeyPair.generate().peerId(), put2), "PUT_VALUE is echoed");
        KadException older = assertThrows(KadException.class, () -> server.handle(owner.peerId(), put(key, key, record(1, eol))));
        assertTrue(older.getMessage().contains("not newer than the stored sequence 2"), older.getMessage());
        assertNotNull(server.handle(owner.peerId(), put2), "the same record again is fine");
        byte[] forged = IpnsRecord.create(KeyPair.generate(), Cid.of(Cid.DAG_CBOR, "evil".getBytes()), 99, eol, Duration.ZERO).bytes();
        KadException notHolder = assertThrows(KadException.class, () -> server.handle(owner.peerId(), put(key, key, forged)));
        assertTrue(notHolder.getMessage().contains("signature is not valid"), "only the key holder moves a name: " + notHolder.getMessage());
        KadException expired = assertThrows(KadException.class, () -> server.handle(owner.peerId(), put(key, key, record(3, Instant.now().minusSeconds(1)))));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
        KadException mismatch = assertThrows(KadException.class, () -> server.handle(owner.peerId(), put(key, "/ipns/x".getBytes(), record(3, eol))));
        assertTrue(mismatch.getMessage().contains("without a record for its key"));
        Message got = server.handle(owner.peerId(), Message.newBuilder().setType(Message.MessageType.GET_VALUE)
                .setKey(com.google.protobuf.ByteString.copyFrom(key)).build());
        assertTrue(Arrays.equals(record(2, eol), got.getRecord().getValue().toByteArray()) || got.hasRecord());
        assertEquals(2, IpnsRecord.validate(name, got.getRecord().getValue().toByteArray(), Instant.now()).sequence());
        Message none = server.handle(owner.peerId(), Message.newBuilder().setType(Message.MessageType.GET_VALUE)
                .setKey(com.google.protobuf.ByteString.copyFrom(new IpnsName(KeyPair.generate().peerId()).routingKey())).build());
        assertFalse(none.hasRecord());
    }

    static Message put(byte[] key, byte[] recordKey, byte[] value) {
        return Message.newBuilder().setType(Message.MessageType.PUT_VALUE).setKey(com.google.protobuf.ByteString.copyFrom(key))
                .setRecord(KadProto.Record.newBuilder().setKey(com.google.protobuf.ByteString.copyFrom(recordKey))
                        .setValue(com.google.protobuf.ByteString.copyFrom(value))).build();
    }

    @Test
    void recordStoreIsBoundedInKeysAndDropsTheOldest() throws Exception {
        RecordStore store = new RecordStore(java.time.InstantSource.system(), 3);
        List<KeyPair> owners = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            KeyPair k = KeyPair.generate();
            owners.add(k);
            byte[] rec = IpnsRecord.create(k, Cid.of(Cid.DAG_CBOR, ("i" + i).getBytes()), i, Instant.now().plusSeconds(60), Duration.ZERO).bytes();
            store.put(new IpnsName(k.peerId()).routingKey(), rec);
        }
        assertEquals(3, store.size());
        assertNull(store.get(new IpnsName(owners.get(0).peerId()).routingKey()), "the oldest went first");
        assertNull(store.get(new IpnsName(owners.get(1).peerId()).routingKey()));
        assertNotNull(store.get(new IpnsName(owners.get(4).peerId()).routingKey()));
        assertTrue(store.bytes() > 0 && store.bytes() <= RecordStore.MAX_BYTES);
    }
}
