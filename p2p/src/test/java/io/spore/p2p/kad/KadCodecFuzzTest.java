package io.spore.p2p.kad;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.proto.KadProto.Message;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile bytes into the kad reader: the frame decoder, the protobuf parser, the peer-list
 * conversion and the server. Only a closed stream or a KadException may come out: no other
 * exception, and nothing unbounded. Fuzz for real with {@code tests/fuzz/run} (JAZZER_FUZZ=1).
 */
class KadCodecFuzzTest {
    static final PeerId SELF = KeyPair.fromSeed(new byte[32]).peerId();
    static final PeerId ASKER = KeyPair.fromSeed(new byte[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}).peerId();

    @FuzzTest(maxDuration = "10s")
    void parseMessage(byte[] data) {
        try {
            Message m = KadCodec.parse(data);
            List<PeerAddresses> closer = KadCodec.fromProto(m.getCloserPeersList());
            List<PeerAddresses> providers = KadCodec.fromProto(m.getProviderPeersList());
            assertTrue(closer.size() <= KadCodec.MAX_PEERS_PER_LIST && providers.size() <= KadCodec.MAX_PEERS_PER_LIST);
            for (PeerAddresses p : closer) assertTrue(p.addresses().size() <= KadCodec.MAX_ADDRS_PER_PEER);
        } catch (KadException expected) {
            // refused: fine
        }
    }

    @FuzzTest(maxDuration = "10s")
    void serveStream(byte[] data) {
        RoutingTable table = new RoutingTable(KadKey.of(SELF), 20);
        table.add(ASKER);
        ProviderStore store = new ProviderStore(java.time.InstantSource.system(), ProviderStore.VALIDITY, 16, 4);
        KadServer server = new KadServer(SELF, () -> List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")), table, store,
                p -> List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/2")), 20);
        EmbeddedChannel ch = new EmbeddedChannel(new KadFrameDecoder(), new KadInboundHandler(server, ASKER));
        ch.writeInbound(Unpooled.wrappedBuffer(data));
        Object out;
        while ((out = ch.readOutbound()) != null) io.netty.util.ReferenceCountUtil.release(out);
        ch.finishAndReleaseAll();
        assertTrue(store.keyCount() <= 16);
    }
}
