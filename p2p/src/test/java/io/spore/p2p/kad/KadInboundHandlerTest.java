package io.spore.p2p.kad;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.proto.KadProto.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class KadInboundHandlerTest {
    final PeerId self = KeyPair.generate().peerId();
    final PeerId asker = KeyPair.generate().peerId();
    final List<Multiaddr> selfAddrs = List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
    final RoutingTable table = new RoutingTable(KadKey.of(self), 20);
    final ProviderStore store = new ProviderStore();
    final KadServer server = new KadServer(self, () -> selfAddrs, table, store,
            p -> List.of(Multiaddr.parse("/ip4/10.0.0.9/tcp/1")), 20);

    EmbeddedChannel stream() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new KadFrameDecoder(), new KadInboundHandler(server, asker));
        return ch;
    }

    static Message readReply(EmbeddedChannel ch) throws Exception {
        ByteBuf out = ch.readOutbound();
        assertNotNull(out, "expected a reply");
        try {
            EmbeddedChannel dec = new EmbeddedChannel(new KadFrameDecoder());
            dec.writeInbound(out.retain());
            byte[] body = dec.readInbound();
            return KadCodec.parse(body);
        } finally {
            out.release();
        }
    }

    @Test
    void severalRequestsOnOneStreamFedByteByByte() throws Exception {
        for (int i = 0; i < 30; i++) table.add(KeyPair.generate().peerId());
        table.add(asker);
        EmbeddedChannel ch = stream();
        Message find = Message.newBuilder().setType(Message.MessageType.FIND_NODE)
                .setKey(ByteString.copyFrom(KeyPair.generate().peerId().bytes())).build();
        ByteBuf two = Unpooled.wrappedBuffer(KadCodec.frame(ByteBufAllocator.DEFAULT, find), KadCodec.frame(ByteBufAllocator.DEFAULT, find));
        while (two.isReadable()) ch.writeInbound(two.readRetainedSlice(1));
        two.release();
        for (int i = 0; i < 2; i++) {
            Message reply = readReply(ch);
            assertEquals(Message.MessageType.FIND_NODE, reply.getType());
            assertEquals(20, reply.getCloserPeersCount());
            for (Message.Peer p : reply.getCloserPeersList()) {
                assertNotEquals(asker, PeerId.fromBytes(p.getId().toByteArray()), "never tell a peer about itself");
            }
        }
        assertTrue(ch.isOpen());
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertFalse(ch.isOpen(), "the stream closes once the peer has finished");
    }

    @Test
    void findNodeForOurOwnIdIncludesUs() throws Exception {
        EmbeddedChannel ch = stream();
        ch.writeInbound(KadCodec.frame(ByteBufAllocator.DEFAULT, Message.newBuilder().setType(Message.MessageType.FIND_NODE)
                .setKey(ByteString.copyFrom(self.bytes())).build()));
        Message reply = readReply(ch);
        assertEquals(List.of(new PeerAddresses(self, selfAddrs)), KadCodec.fromProto(reply.getCloserPeersList()));
    }

    @Test
    void addProviderKeepsOnlyTheSenderThenGetProvidersReturnsIt() throws Exception {
        byte[] key = Cid.raw("hello".getBytes()).multihash().bytes();
        PeerId other = KeyPair.generate().peerId();
        List<Multiaddr> askerAddrs = List.of(Multiaddr.parse("/ip4/192.168.1.2/tcp/4001"));
        EmbeddedChannel ch = stream();
        ch.writeInbound(KadCodec.frame(ByteBufAllocator.DEFAULT, Message.newBuilder().setType(Message.MessageType.ADD_PROVIDER)
                .setKey(ByteString.copyFrom(key))
                .addProviderPeers(KadCodec.toProto(new PeerAddresses(other, askerAddrs)))
                .addProviderPeers(KadCodec.toProto(new PeerAddresses(asker, askerAddrs))).build()));
        assertNull(ch.readOutbound(), "ADD_PROVIDER has no reply");
        ch.writeInbound(KadCodec.frame(ByteBufAllocator.DEFAULT, Message.newBuilder().setType(Message.MessageType.GET_PROVIDERS)
                .setKey(ByteString.copyFrom(key)).build()));
        Message reply = readReply(ch);
        assertEquals(List.of(new PeerAddresses(asker, askerAddrs)), KadCodec.fromProto(reply.getProviderPeersList()));
    }

    @Test
    void providerKeyOver80BytesEndsTheStream() {
        EmbeddedChannel ch = stream();
        ch.writeInbound(KadCodec.frame(ByteBufAllocator.DEFAULT, Message.newBuilder().setType(Message.MessageType.ADD_PROVIDER)
                .setKey(ByteString.copyFrom(new byte[81]))
                .addProviderPeers(KadCodec.toProto(new PeerAddresses(asker, selfAddrs))).build()));
        assertFalse(ch.isOpen());
        assertEquals(0, store.keyCount());
    }

    @Test
    void oversizedLengthEndsTheStreamBeforeBuffering() {
        EmbeddedChannel ch = stream();
        // varint 1 MiB, then nothing: refused from the header alone.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{(byte) 0x80, (byte) 0x80, 0x40}));
        assertFalse(ch.isOpen());
    }

    @Test
    void aPeerThatDoesNotReadItsRepliesLosesTheStream() {
        for (int i = 0; i < 30; i++) table.add(KeyPair.generate().peerId());
        EmbeddedChannel ch = stream();
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1024, 4096));
        Message find = Message.newBuilder().setType(Message.MessageType.FIND_NODE)
                .setKey(ByteString.copyFrom(KeyPair.generate().peerId().bytes())).build();
        // EmbeddedChannel keeps written data in its outbound queue; hold it "unflushed" by
        // replacing flush with nothing, as a peer whose window is closed would.
        ch.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override public void flush(io.netty.channel.ChannelHandlerContext ctx) {}
        });
        for (int i = 0; i < 100 && ch.isOpen(); i++) ch.writeInbound(KadCodec.frame(ByteBufAllocator.DEFAULT, find));
        assertFalse(ch.isOpen(), "the stream is closed once replies pile up");
        ch.finishAndReleaseAll();
    }

    @Test
    void garbageEndsTheStream() {
        EmbeddedChannel ch = stream();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{3, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
        assertFalse(ch.isOpen());
    }
}
