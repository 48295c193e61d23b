package io.spore.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.charset.StandardCharsets;

/**
 * multistream-select 1.0 messages: uvarint length (counting the trailing newline), UTF-8 text, '\n'.
 * Messages are capped at {@link #MAX_MESSAGE} bytes, as js and jvm libp2p do.
 */
public final class MultistreamCodec {
    public static final String HEADER = "/multistream/1.0.0";
    public static final String NA = "na";
    public static final int MAX_MESSAGE = 1024;

    private MultistreamCodec() {}

    /** Appends {@code message} (without its newline) to {@code out}. */
    public static void write(String message, ByteBuf out) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        int len = b.length + 1;
        if (len > MAX_MESSAGE) throw new IllegalArgumentException("multistream message longer than " + MAX_MESSAGE + " bytes: " + message);
        while ((len & ~0x7F) != 0) {
            out.writeByte((len & 0x7F) | 0x80);
            len >>>= 7;
        }
        out.writeByte(len);
        out.writeBytes(b);
        out.writeByte('\n');
    }

    public static ByteBuf encode(ByteBufAllocator alloc, String... messages) {
        ByteBuf out = alloc.buffer(64);
        for (String m : messages) write(m, out);
        return out;
    }

    /**
     * Reads one message from {@code in}, or returns null (reader index unchanged) when it is not
     * complete yet. Throws on oversized, empty or newline-less messages.
     */
    public static String read(ByteBuf in) {
        int start = in.readerIndex();
        int len = 0;
        int shift = 0;
        int i = start;
        while (true) {
            if (i >= in.writerIndex()) return null;
            int b = in.getByte(i++) & 0xFF;
            len |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
            shift += 7;
            if (shift > 14) throw new TooLongFrameException("multistream length varint too long");
        }
        if (len > MAX_MESSAGE) throw new TooLongFrameException("multistream message of " + len + " bytes exceeds " + MAX_MESSAGE);
        if (len == 0) throw new CorruptedFrameException("empty multistream message");
        if (in.writerIndex() - i < len) return null;
        if (in.getByte(i + len - 1) != '\n') throw new CorruptedFrameException("multistream message does not end with a newline");
        String s = in.toString(i, len - 1, StandardCharsets.UTF_8);
        in.readerIndex(i + len);
        return s;
    }
}
