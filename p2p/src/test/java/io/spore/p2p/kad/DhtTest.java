package io.spore.p2p.kad;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.proto.KadProto.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Java to Java: several real hosts (TCP, Noise, Yamux) on loopback, each with a DHT. */
class DhtTest {
    static final DhtConfig FAST = DhtConfig.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20));

    final List<Host> hosts = new ArrayList<>();
    final List<Dht> dhts = new ArrayList<>();

    @AfterEach
    void tearDown() {
        dhts.forEach(Dht::close);
        hosts.forEach(Host::close);
    }

    Dht node(DhtConfig config) {
        Host h = Hosts.start(HostConfig.defaults(KeyPair.generate()));
        hosts.add(h);
        Dht d = Dht.start(h, config);
        dhts.add(d);
        return d;
    }

    static Multiaddr addr(Dht d) { return d.host().listenAddresses().getFirst().withPeerId(d.host().peerId()); }

    /** A ring of servers, each bootstrapped from the first. */
    List<Dht> network(int n) throws Exception {
        List<Dht> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(node(FAST));
        for (int i = 1; i < n; i++) out.get(i).bootstrap(List.of(addr(out.getFirst()))).get(30, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void provideThenFindProvidersAndPeerAcrossSixNodes() throws Exception {
        List<Dht> net = network(6);
        Cid cid = Cid.raw("spore kad test".getBytes());
        assertTrue(net.get(2).provide(cid).get(30, TimeUnit.SECONDS) >= 1, "told at least one peer");

        List<PeerAddresses> providers = net.get(5).findProviders(cid, 1).get(30, TimeUnit.SECONDS);
        assertEquals(1, providers.size());
        assertEquals(net.get(2).host().peerId(), providers.getFirst().peer());
        assertEquals(net.get(2).host().listenAddresses(), providers.getFirst().addresses());

        Optional<PeerAddresses> found = net.get(4).findPeer(net.get(3).host().peerId()).get(30, TimeUnit.SECONDS);
        assertTrue(found.isPresent());
        assertTrue(found.get().addresses().containsAll(net.get(3).host().listenAddresses()), found.get().toString());

        assertEquals(List.of(), net.get(1).findProviders(Cid.raw("nobody has this".getBytes()), 1).get(30, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), net.get(1).findPeer(KeyPair.generate().peerId()).get(30, TimeUnit.SECONDS));
    }

    /**
     * Twenty nodes, each bootstrapped from the one before, so no node knows everyone and lookups
     * must hop. Prints how long they took (a figure, not an assertion).
     */
    @Test
    void lookupsHopAcrossAChainOfTwentyNodes() throws Exception {
        // k = 4 so that a provider record reaches only the four closest nodes and lookups must hop.
        DhtConfig small = new DhtConfig(true, 4, 3, 2, 100, Duration.ofSeconds(5), Duration.ofSeconds(20),
                Duration.ofHours(48), Duration.ofHours(22));
        List<Dht> chain = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Dht d = node(small);
            if (i > 0) d.bootstrap(List.of(addr(chain.getLast()))).get(30, TimeUnit.SECONDS);
            chain.add(d);
        }
        Cid cid = Cid.raw("chain".getBytes());
        long t0 = System.nanoTime();
        int told = chain.getLast().provide(cid).get(30, TimeUnit.SECONDS);
        long t1 = System.nanoTime();
        List<PeerAddresses> providers = chain.getFirst().findProviders(cid, 1).get(30, TimeUnit.SECONDS);
        long t2 = System.nanoTime();
        Optional<PeerAddresses> peer = chain.get(1).findPeer(chain.get(18).host().peerId()).get(30, TimeUnit.SECONDS);
        long t3 = System.nanoTime();
        assertTrue(told >= 1);
        assertEquals(chain.getLast().host().peerId(), providers.getFirst().peer());
        assertTrue(peer.isPresent());
        PeerAddresses next = new PeerAddresses(chain.get(2).host().peerId(), chain.get(2).host().listenAddresses());
        Message ping = Message.newBuilder().setType(Message.MessageType.FIND_NODE).setKey(ByteString.copyFrom(new byte[8])).build();
        long[] rtt = new long[50];
        for (int i = 0; i < rtt.length; i++) {
            long r0 = System.nanoTime();
            chain.get(1).request(next, ping).get(10, TimeUnit.SECONDS);
            rtt[i] = System.nanoTime() - r0;
        }
        java.util.Arrays.sort(rtt);
        System.out.printf("kad chain of 20 on loopback: provide %.1f ms (told %d), findProviders %.1f ms, findPeer %.1f ms;"
                        + " one request on a new stream of an open connection: median %.2f ms, min %.2f ms%n",
                (t1 - t0) / 1e6, told, (t2 - t1) / 1e6, (t3 - t2) / 1e6, rtt[rtt.length / 2] / 1e6, rtt[0] / 1e6);
    }

    @Test
    void clientModePeersAskButStayOutOfRoutingTables() throws Exception {
        List<Dht> net = network(3);
        Dht client = node(FAST.withServer(false));
        client.bootstrap(List.of(addr(net.getFirst()))).get(30, TimeUnit.SECONDS);
        Cid cid = Cid.raw("client mode".getBytes());
        net.get(1).provide(cid).get(30, TimeUnit.SECONDS);
        assertEquals(net.get(1).host().peerId(), client.findProviders(cid, 1).get(30, TimeUnit.SECONDS).getFirst().peer());
        assertTrue(client.routingTableSize() >= 1);
        for (Dht d : net) assertFalse(d.routingTableContains(client.host().peerId()), "a client must not enter routing tables");
        assertTrue(net.get(0).routingTableContains(net.get(1).host().peerId()));
    }

    @Test
    void severalRequestsOnOneStream() throws Exception {
        List<Dht> net = network(3);
        Dht server = net.getFirst();
        Connection c = net.get(1).host().connect(addr(server)).get(10, TimeUnit.SECONDS);
        Channel stream = c.openStream(Dht.PROTOCOL).get(10, TimeUnit.SECONDS);
        BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
        stream.pipeline().addLast(new KadFrameDecoder(), new SimpleChannelInboundHandler<byte[]>() {
            @Override protected void channelRead0(ChannelHandlerContext ctx, byte[] body) throws Exception {
                replies.add(KadCodec.parse(body));
            }
        });
        for (int i = 0; i < 3; i++) {
            PeerId target = net.get(2).host().peerId();
            ByteBuf frame = KadCodec.frame(stream.alloc(), Message.newBuilder().setType(Message.MessageType.FIND_NODE)
                    .setKey(ByteString.copyFrom(target.bytes())).build());
            stream.writeAndFlush(frame);
        }
        for (int i = 0; i < 3; i++) {
            Message reply = replies.poll(10, TimeUnit.SECONDS);
            assertNotNull(reply, "reply " + i);
            assertEquals(Message.MessageType.FIND_NODE, reply.getType());
            assertTrue(KadCodec.fromProto(reply.getCloserPeersList()).stream().anyMatch(p -> p.peer().equals(net.get(2).host().peerId())));
        }
        stream.close();
    }

    @Test
    void aHostileStreamIsClosedAndTheServerKeepsServing() throws Exception {
        List<Dht> net = network(3);
        Dht server = net.getFirst();
        Connection c = net.get(1).host().connect(addr(server)).get(10, TimeUnit.SECONDS);
        Channel stream = c.openStream(Dht.PROTOCOL).get(10, TimeUnit.SECONDS);
        // Claims a 1 MiB message: refused from the length alone.
        stream.writeAndFlush(stream.alloc().buffer().writeBytes(new byte[]{(byte) 0x80, (byte) 0x80, 0x40, 1, 2, 3}));
        assertTrue(stream.closeFuture().await(10, TimeUnit.SECONDS), "the server closes the hostile stream");
        assertTrue(c.isOpen(), "the connection survives");
        Optional<PeerAddresses> found = net.get(1).findPeer(net.get(2).host().peerId()).get(30, TimeUnit.SECONDS);
        assertTrue(found.isPresent(), "the server still answers");
    }

    @Test
    void recordsExpireUnlessRepublished() throws Exception {
        DhtConfig shortLived = new DhtConfig(true, 20, 10, 3, 200, Duration.ofSeconds(5), Duration.ofSeconds(20),
                Duration.ofSeconds(3), Duration.ofSeconds(1));
        List<Dht> net = new ArrayList<>();
        for (int i = 0; i < 3; i++) net.add(node(shortLived));
        for (int i = 1; i < 3; i++) net.get(i).bootstrap(List.of(addr(net.getFirst()))).get(30, TimeUnit.SECONDS);
        Cid kept = Cid.raw("republished".getBytes());
        Cid dropped = Cid.raw("forgotten".getBytes());
        net.get(1).provide(kept).get(30, TimeUnit.SECONDS);
        net.get(1).provide(dropped).get(30, TimeUnit.SECONDS);
        net.get(1).stopProviding(dropped);
        Thread.sleep(5000); // longer than the 3 s validity: only the republished record survives
        assertEquals(net.get(1).host().peerId(), net.get(2).findProviders(kept, 1).get(30, TimeUnit.SECONDS).getFirst().peer());
        assertEquals(List.of(), net.get(2).findProviders(dropped, 1).get(30, TimeUnit.SECONDS));
    }

    @Test
    void emptyRoutingTableFailsWithAHint() {
        Dht lonely = node(FAST);
        Exception e = assertThrows(Exception.class, () -> lonely.findPeer(KeyPair.generate().peerId()).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("bootstrap"), e.getCause().getMessage());
        Exception b = assertThrows(Exception.class, () -> lonely.bootstrap(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p/" + KeyPair.generate().peerId())))
                .get(30, TimeUnit.SECONDS));
        assertTrue(b.getCause().getMessage().contains("none of the 1 bootstrap peers"), b.getCause().getMessage());
    }
}
