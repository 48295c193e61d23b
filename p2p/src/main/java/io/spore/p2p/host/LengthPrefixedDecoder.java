package io.spore.p2p.host;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Unsigned-varint length-prefixed messages, as identify, Kademlia and Bitswap use, with a hard
 * size cap: a longer message fails the stream instead of being buffered.
 */
public final class LengthPrefixedDecoder extends ByteToMessageDecoder {
    private final int maxSize;

    public LengthPrefixedDecoder(int maxSize) {
        if (maxSize < 1) throw new IllegalArgumentException("maxSize must be positive");
        this.maxSize = maxSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int ri = in.readerIndex();
            long len = 0;
            int shift = 0, i = ri;
            while (true) {
                if (i >= in.writerIndex()) return;
                int b = in.getByte(i++) & 0xFF;
                len |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) break;
                shift += 7;
                if (shift > 28) throw new CorruptedFrameException("message length varint too long");
            }
            if (len > maxSize) throw new TooLongFrameException("message of " + len + " bytes exceeds the limit of " + maxSize);
            if (in.writerIndex() - i < len) return;
            in.readerIndex(i);
            out.add(in.readRetainedSlice((int) len));
        }
    }

    /** {@code message} with its varint length in front. */
    public static ByteBuf encode(ByteBufAllocator alloc, byte[] message) {
        ByteBuf b = alloc.buffer(message.length + 5);
        int len = message.length;
        while ((len & ~0x7F) != 0) {
            b.writeByte((len & 0x7F) | 0x80);
            len >>>= 7;
        }
        b.writeByte(len);
        b.writeBytes(message);
        return b;
    }
}
