package io.spore.p2p.bitswap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Splits a stream into uvarint-length-prefixed frames, each handed on as a {@code byte[]} of its
 * own. Incoming buffers are kept as they are until a frame is complete and then copied once into
 * its array (a merging cumulator would copy a 2 MiB message several times as it grows). A length
 * over 4 MiB closes the stream before its bytes are buffered.
 */
class BitswapFrameSplitter extends ByteToMessageDecoder {
    BitswapFrameSplitter() {
        setCumulator(COMPOSITE_CUMULATOR);
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        while (true) {
            in.markReaderIndex();
            long len = readLength(in);
            if (len < 0) { in.resetReaderIndex(); return; }
            if (len > BitswapCodec.MAX_MESSAGE) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("bitswap message of " + len + " bytes is over the 4 MiB limit");
            }
            if (in.readableBytes() < len) { in.resetReaderIndex(); return; }
            byte[] frame = new byte[(int) len];
            in.readBytes(frame);
            out.add(frame(frame));
        }
    }

    /** What a complete frame becomes downstream: the bytes themselves here. */
    Object frame(byte[] frame) throws BitswapException {
        return frame;
    }

    /** The length prefix, or -1 when not all of it has arrived. */
    static long readLength(ByteBuf in) throws BitswapException {
        long value = 0;
        for (int i = 0; i < 5; i++) {
            if (!in.isReadable()) return -1;
            int b = in.readByte() & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) return value;
        }
        throw new BitswapException("bitswap length prefix longer than 5 bytes");
    }
}
