package io.spore.p2p.bitswap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Splits a stream into uvarint-length-prefixed frames and decodes each into a
 * {@link BitswapMessage}. A length over 4 MiB closes the stream before its bytes are buffered.
 */
final class BitswapFrameDecoder extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        while (true) {
            in.markReaderIndex();
            long len = readLength(in);
            if (len < 0) { in.resetReaderIndex(); return; }
            if (len > BitswapCodec.MAX_MESSAGE) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("bitswap message of " + len + " bytes is over the 4 MiB limit");
            }
            if (in.readableBytes() < len) { in.resetReaderIndex(); return; }
            ByteBuf frame = in.readSlice((int) len);
            out.add(BitswapCodec.decode(frame.nioBuffer()));
        }
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
