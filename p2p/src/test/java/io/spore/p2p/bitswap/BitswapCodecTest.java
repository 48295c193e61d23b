package io.spore.p2p.bitswap;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Varint;
import io.spore.p2p.proto.BitswapProto;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class BitswapCodecTest {
    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void roundTripsEveryField() throws Exception {
        byte[] data = bytes(5000, 1);
        Cid cid = Cid.raw(data);
        Cid other = Cid.of(Cid.DAG_CBOR, bytes(10, 2));
        BitswapMessage m = new BitswapMessage(
                List.of(BitswapMessage.Want.block(cid, 7), BitswapMessage.Want.have(other, 3), BitswapMessage.Want.cancel(other)),
                true,
                List.of(new BitswapMessage.Block(cid, data)),
                List.of(new BitswapMessage.Presence(other, true), new BitswapMessage.Presence(cid, false)));
        BitswapMessage back = BitswapCodec.decode(ByteBuffer.wrap(BitswapCodec.encode(m)));
        assertEquals(m.wants(), back.wants());
        assertTrue(back.fullWantlist());
        assertEquals(m.presences(), back.presences());
        assertEquals(1, back.blocks().size());
        assertEquals(cid, back.blocks().get(0).cid());
        assertArrayEquals(data, back.blocks().get(0).data());
    }

    @Test
    void prefixIsWhatJsCidToPrefixWrites() {
        // CIDv1 raw sha2-256: version 1, codec 0x55, sha2-256 0x12, 32 bytes.
        assertEquals("01551220", HexFormat.of().formatHex(BitswapCodec.prefix(Cid.raw(new byte[]{1}))));
        assertEquals("01711220", HexFormat.of().formatHex(BitswapCodec.prefix(Cid.of(Cid.DAG_CBOR, new byte[]{1}))));
    }

    @Test
    void blockIsNamedByItsHashNotByTheSender() throws Exception {
        byte[] claimed = bytes(100, 3);
        byte[] sent = bytes(100, 4);
        BitswapProto.Message m = BitswapProto.Message.newBuilder()
                .addPayload(BitswapProto.Message.Block.newBuilder()
                        .setPrefix(ByteString.copyFrom(BitswapCodec.prefix(Cid.raw(claimed))))
                        .setData(ByteString.copyFrom(sent)))
                .build();
        BitswapMessage back = BitswapCodec.decode(ByteBuffer.wrap(m.toByteArray()));
        assertEquals(Cid.raw(sent), back.blocks().get(0).cid());
        assertNotEquals(Cid.raw(claimed), back.blocks().get(0).cid());
    }

    @Test
    void refusesBlocksOver2MiBAndUnverifiableHashes() {
        BitswapProto.Message big = BitswapProto.Message.newBuilder()
                .addPayload(BitswapProto.Message.Block.newBuilder()
                        .setPrefix(ByteString.copyFrom(HexFormat.of().parseHex("01551220")))
                        .setData(ByteString.copyFrom(new byte[BitswapCodec.MAX_BLOCK + 1])))
                .build();
        BitswapException e = assertThrows(BitswapException.class, () -> BitswapCodec.decode(ByteBuffer.wrap(big.toByteArray())));
        assertTrue(e.getMessage().contains("2 MiB"), e.getMessage());
        BitswapProto.Message blake = BitswapProto.Message.newBuilder()
                .addPayload(BitswapProto.Message.Block.newBuilder()
                        .setPrefix(ByteString.copyFrom(HexFormat.of().parseHex("0155a0e40220")))
                        .setData(ByteString.copyFrom(new byte[10])))
                .build();
        e = assertThrows(BitswapException.class, () -> BitswapCodec.decode(ByteBuffer.wrap(blake.toByteArray())));
        assertTrue(e.getMessage().contains("only sha2-256"), e.getMessage());
    }

    @Test
    void acceptsA2MiBBlock() throws Exception {
        byte[] data = bytes(BitswapCodec.MAX_BLOCK, 5);
        BitswapMessage m = new BitswapMessage(List.of(), false, List.of(new BitswapMessage.Block(Cid.raw(data), data)), List.of());
        assertEquals(Cid.raw(data), BitswapCodec.decode(ByteBuffer.wrap(BitswapCodec.encode(m))).blocks().get(0).cid());
    }

    @Test
    void capsWantlistEntries() throws Exception {
        BitswapProto.Message.Wantlist.Builder wl = BitswapProto.Message.Wantlist.newBuilder();
        for (int i = 0; i < BitswapCodec.MAX_WANTLIST + 500; i++) {
            wl.addEntries(BitswapProto.Message.Wantlist.Entry.newBuilder()
                    .setBlock(ByteString.copyFrom(Cid.raw(new byte[]{(byte) i, (byte) (i >> 8)}).bytes())));
        }
        BitswapMessage back = BitswapCodec.decode(ByteBuffer.wrap(BitswapProto.Message.newBuilder().setWantlist(wl).build().toByteArray()));
        assertEquals(BitswapCodec.MAX_WANTLIST, back.wants().size());
    }

    @Test
    void refusesMalformedCids() {
        BitswapProto.Message m = BitswapProto.Message.newBuilder()
                .addBlockPresences(BitswapProto.Message.BlockPresence.newBuilder().setCid(ByteString.copyFrom(new byte[]{1, 2, 3})))
                .build();
        assertThrows(BitswapException.class, () -> BitswapCodec.decode(ByteBuffer.wrap(m.toByteArray())));
    }

    @Test
    void frameDecoderReassemblesFragmentsAndRefusesOversizedLengths() {
        byte[] data = bytes(3000, 6);
        byte[] body = BitswapCodec.encode(new BitswapMessage(List.of(), false, List.of(new BitswapMessage.Block(Cid.raw(data), data)), List.of()));
        byte[] framed = new byte[Varint.size(body.length) + body.length];
        System.arraycopy(body, 0, framed, Varint.write(body.length, framed, 0), body.length);
        EmbeddedChannel ch = new EmbeddedChannel(new BitswapFrameDecoder());
        for (int i = 0; i < framed.length; i += 7) {
            ch.writeInbound(Unpooled.wrappedBuffer(framed, i, Math.min(7, framed.length - i)));
        }
        ch.writeInbound(Unpooled.wrappedBuffer(framed)); // a second message in one read
        BitswapMessage a = ch.readInbound();
        BitswapMessage b = ch.readInbound();
        assertEquals(Cid.raw(data), a.blocks().get(0).cid());
        assertEquals(Cid.raw(data), b.blocks().get(0).cid());
        assertNull(ch.readInbound());

        EmbeddedChannel big = new EmbeddedChannel(new BitswapFrameDecoder());
        ByteBuf tooLong = Unpooled.wrappedBuffer(Varint.encode(BitswapCodec.MAX_MESSAGE + 1L));
        assertThrows(DecoderException.class, () -> big.writeInbound(tooLong));
    }
}
