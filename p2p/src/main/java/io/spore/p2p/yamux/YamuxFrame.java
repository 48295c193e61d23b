package io.spore.p2p.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One Yamux frame (yamux/README.md): a 12-byte big-endian header, version 0, type, flags,
 * stream id, length; Data frames carry {@code length} bytes of payload in {@code data}
 * (null for the other types, whose length is a window delta, a ping value or a GoAway code).
 */
record YamuxFrame(int type, int flags, int streamId, long length, ByteBuf data) {
    static final int HEADER = 12;
    static final int DATA = 0, WINDOW_UPDATE = 1, PING = 2, GO_AWAY = 3;
    static final int SYN = 1, ACK = 2, FIN = 4, RST = 8;
    static final int GO_AWAY_NORMAL = 0, GO_AWAY_PROTOCOL_ERROR = 1, GO_AWAY_INTERNAL_ERROR = 2;

    boolean has(int flag) { return (flags & flag) != 0; }

    static ByteBuf header(ByteBufAllocator alloc, int type, int flags, int streamId, long length) {
        ByteBuf b = alloc.buffer(HEADER);
        writeHeader(b, type, flags, streamId, length);
        return b;
    }

    static void writeHeader(ByteBuf b, int type, int flags, int streamId, long length) {
        b.writeByte(0);
        b.writeByte(type);
        b.writeShort(flags);
        b.writeInt(streamId);
        b.writeInt((int) length);
    }

    @Override public String toString() {
        return "YamuxFrame[type=" + type + ", flags=" + flags + ", stream=" + streamId + ", length=" + length + "]";
    }
}
