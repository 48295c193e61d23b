package io.spore.p2p.kad;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Splits a kad stream into message bodies ({@code byte[]}): a uvarint length, then that many
 * bytes. A length over {@link KadCodec#MAX_MESSAGE} fails fast, before any of it is buffered.
 */
final class KadFrameDecoder extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            long len = 0;
            int shift = 0;
            boolean complete = false;
            while (in.isReadable()) {
                int b = in.readByte() & 0xff;
                if (shift == 28 && (b & 0xf0) != 0) throw new CorruptedFrameException("kad length varint too long");
                len |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    complete = true;
                    break;
                }
                shift += 7;
            }
            if (!complete) {
                in.readerIndex(start);
                return;
            }
            if (len > KadCodec.MAX_MESSAGE) throw new TooLongFrameException("kad message of " + len + " bytes exceeds " + KadCodec.MAX_MESSAGE);
            if (in.readableBytes() < len) {
                in.readerIndex(start);
                return;
            }
            byte[] body = new byte[(int) len];
            in.readBytes(body);
            out.add(body);
        }
    }
}
