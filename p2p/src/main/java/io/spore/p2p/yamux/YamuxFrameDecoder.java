package io.spore.p2p.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Bytes in, {@link YamuxFrame}s out; refuses unknown versions and types and Data frames over
 * {@code maxData}. A Data frame's payload goes on in pieces as it arrives, each a slice of the
 * buffer it came in (no gathering copy): one frame per piece, with the same stream id, SYN and
 * ACK on the first piece, FIN and RST on the last. A piece's length field is what the frame still
 * had to deliver when the piece began (the whole frame's length for the first), so the session
 * checks the frame against the receive window exactly as if it had come whole.
 */
final class YamuxFrameDecoder extends ChannelInboundHandlerAdapter {
    /** Pieces shorter than this are copied, so that a tiny piece never pins a large buffer. */
    static final int COPY_BELOW = 16 * 1024;
    private final int maxData;
    private final byte[] header = new byte[YamuxFrame.HEADER];
    private int headerHave;
    /** Payload bytes of the current Data frame still to come; -1 between frames. */
    private long dataLeft = -1;
    private int flags, streamId;
    private boolean firstPiece;
    private boolean failed;

    YamuxFrameDecoder(int maxData) {
        this.maxData = maxData;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!failed) decode(ctx, in);
        } catch (CorruptedFrameException | TooLongFrameException e) {
            failed = true;
            throw e;
        } finally {
            in.release();
        }
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        while (in.isReadable() && !failed) {
            if (dataLeft < 0) {
                int n = Math.min(YamuxFrame.HEADER - headerHave, in.readableBytes());
                in.readBytes(header, headerHave, n);
                headerHave += n;
                if (headerHave < YamuxFrame.HEADER) return;
                headerHave = 0;
                if (header(ctx)) continue;
            }
            int n = (int) Math.min(dataLeft, in.readableBytes());
            ByteBuf piece = n < COPY_BELOW ? ctx.alloc().heapBuffer(n).writeBytes(in, n) : in.readRetainedSlice(n);
            long declared = dataLeft;
            dataLeft -= n;
            piece(ctx, piece, declared);
        }
    }

    /** Parses a complete header; true when the frame is complete (no payload to wait for). */
    private boolean header(ChannelHandlerContext ctx) throws Exception {
        ByteBuf h = io.netty.buffer.Unpooled.wrappedBuffer(header);
        int version = h.getUnsignedByte(0);
        int type = h.getUnsignedByte(1);
        if (version != 0) throw new CorruptedFrameException("unsupported Yamux version " + version);
        if (type > YamuxFrame.GO_AWAY) throw new CorruptedFrameException("unknown Yamux frame type " + type);
        int flags = h.getUnsignedShort(2);
        int id = h.getInt(4);
        long length = h.getUnsignedInt(8);
        if (type != YamuxFrame.DATA) {
            ctx.fireChannelRead(new YamuxFrame(type, flags, id, length, null));
            return true;
        }
        if (length > maxData) throw new TooLongFrameException("Yamux data frame of " + length + " bytes exceeds " + maxData);
        this.flags = flags;
        this.streamId = id;
        this.firstPiece = true;
        this.dataLeft = length;
        if (length == 0) {
            piece(ctx, ctx.alloc().heapBuffer(0), 0);
            return true;
        }
        return false;
    }

    private void piece(ChannelHandlerContext ctx, ByteBuf data, long declared) {
        int f = flags;
        if (!firstPiece) f &= ~(YamuxFrame.SYN | YamuxFrame.ACK);
        if (dataLeft > 0) f &= ~(YamuxFrame.FIN | YamuxFrame.RST);
        firstPiece = false;
        if (dataLeft == 0) dataLeft = -1;
        ctx.fireChannelRead(new YamuxFrame(YamuxFrame.DATA, f, streamId, declared, data));
    }
}
