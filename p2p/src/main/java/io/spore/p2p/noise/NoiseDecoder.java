package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/** Noise transport messages in: 2-byte length, ciphertext; out: plaintext ByteBufs. */
final class NoiseDecoder extends ByteToMessageDecoder {
    private final CipherState cipher;
    private byte[] scratch;

    NoiseDecoder(CipherState cipher) {
        this.cipher = cipher;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        while (in.readableBytes() >= 2) {
            int ri = in.readerIndex();
            int len = in.getUnsignedShort(ri);
            if (in.readableBytes() < 2 + len) return;
            if (len < CipherState.TAG) throw new NoiseException("Noise transport message of " + len + " bytes is shorter than its tag");
            ByteBuf plain = ctx.alloc().heapBuffer(len - CipherState.TAG);
            try {
                int n;
                if (in.hasArray()) {
                    n = cipher.decrypt(null, in.array(), in.arrayOffset() + ri + 2, len, plain.array(), plain.arrayOffset());
                } else {
                    if (scratch == null) scratch = new byte[65535];
                    in.getBytes(ri + 2, scratch, 0, len);
                    n = cipher.decrypt(null, scratch, 0, len, plain.array(), plain.arrayOffset());
                }
                plain.writerIndex(n);
            } catch (NoiseException | RuntimeException e) {
                plain.release();
                throw e;
            }
            in.skipBytes(2 + len);
            if (plain.isReadable()) out.add(plain);
            else plain.release();
        }
    }
}
