package io.spore.p2p.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/** Bytes in, {@link YamuxFrame}s out; refuses unknown versions and types and Data frames over {@code maxData}. */
final class YamuxFrameDecoder extends ByteToMessageDecoder {
    /** Data frames shorter than this are copied, so that a tiny frame never pins a large buffer. */
    static final int COPY_BELOW = 16 * 1024;
    private final int maxData;

    YamuxFrameDecoder(int maxData) {
        this.maxData = maxData;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        while (in.readableBytes() >= YamuxFrame.HEADER) {
            int ri = in.readerIndex();
            int version = in.getUnsignedByte(ri);
            int type = in.getUnsignedByte(ri + 1);
            if (version != 0) throw new CorruptedFrameException("unsupported Yamux version " + version);
            if (type > YamuxFrame.GO_AWAY) throw new CorruptedFrameException("unknown Yamux frame type " + type);
            int flags = in.getUnsignedShort(ri + 2);
            int id = in.getInt(ri + 4);
            long length = in.getUnsignedInt(ri + 8);
            ByteBuf data = null;
            if (type == YamuxFrame.DATA) {
                if (length > maxData) throw new TooLongFrameException("Yamux data frame of " + length + " bytes exceeds " + maxData);
                if (in.readableBytes() < YamuxFrame.HEADER + length) return;
                in.skipBytes(YamuxFrame.HEADER);
                int n = (int) length;
                data = n < COPY_BELOW ? ctx.alloc().heapBuffer(n).writeBytes(in, n) : in.readRetainedSlice(n);
            } else {
                in.skipBytes(YamuxFrame.HEADER);
            }
            out.add(new YamuxFrame(type, flags, id, length, data));
        }
    }
}
