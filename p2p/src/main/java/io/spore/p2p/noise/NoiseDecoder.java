package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;

/**
 * Noise transport messages in (2-byte length, ciphertext, tag); plaintext ByteBufs out. The
 * ciphertext is decrypted straight from the socket's buffers as they arrive, without first being
 * gathered into whole frames (which cost a copy of every byte); plaintext goes on only after its
 * tag checked out. Errors reach the pipeline as a {@link DecoderException} around the
 * {@link NoiseException}, and everything after them is dropped.
 */
final class NoiseDecoder extends ChannelInboundHandlerAdapter {
    private final CipherState cipher;
    private final boolean direct;
    private final byte[] tag = new byte[CipherState.TAG];
    /** Bytes of the length prefix seen (0..2), its value so far, and of the current frame's tag. */
    private int headerHave, frameLen, tagHave;
    /** Ciphertext bytes of the current frame still to come; -1 between frames. */
    private int ctLeft = -1;
    private ByteBuf plain;
    private boolean failed;

    NoiseDecoder(CipherState cipher) {
        this.cipher = cipher;
        this.direct = cipher.prefersDirect();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!failed) decode(ctx, in);
        } catch (NoiseException | RuntimeException e) {
            failed = true;
            releasePlain();
            throw e instanceof DecoderException d ? d : new DecoderException(e);
        } finally {
            in.release();
        }
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) throws NoiseException {
        while (in.isReadable()) {
            if (ctLeft < 0) {
                frameLen = (frameLen << 8) | in.readUnsignedByte();
                if (++headerHave < 2) continue;
                if (frameLen < CipherState.TAG) {
                    throw new NoiseException("Noise transport message of " + frameLen + " bytes is shorter than its tag");
                }
                ctLeft = frameLen - CipherState.TAG;
                tagHave = 0;
                plain = direct ? ctx.alloc().directBuffer(ctLeft) : ctx.alloc().heapBuffer(ctLeft);
                cipher.beginOpen();
            }
            if (ctLeft > 0) {
                int n = Math.min(ctLeft, in.readableBytes());
                cipher.openPart(in, in.readerIndex(), n, plain);
                in.skipBytes(n);
                ctLeft -= n;
                continue;
            }
            int n = Math.min(CipherState.TAG - tagHave, in.readableBytes());
            in.readBytes(tag, tagHave, n);
            tagHave += n;
            if (tagHave < CipherState.TAG) continue;
            cipher.endOpen(tag, plain);
            ByteBuf done = plain;
            plain = null;
            ctLeft = -1;
            headerHave = 0;
            frameLen = 0;
            if (done.isReadable()) ctx.fireChannelRead(done);
            else done.release();
        }
    }

    private void releasePlain() {
        if (plain != null) {
            plain.release();
            plain = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePlain();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePlain();
        super.channelInactive(ctx);
    }
}
