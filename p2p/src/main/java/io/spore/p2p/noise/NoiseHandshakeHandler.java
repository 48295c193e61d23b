package io.spore.p2p.noise;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;

import java.util.List;

/**
 * Runs the Noise XX handshake on a fresh connection (2-byte big-endian length framing), then puts
 * {@link NoiseDecoder} and {@link NoiseEncoder} in its place and removes itself. Bytes that
 * arrived behind the last handshake message go on to the decoder.
 */
public final class NoiseHandshakeHandler extends ByteToMessageDecoder {
    public static final String PROTOCOL_ID = "/noise";

    /** What the host learns from a finished handshake. */
    public record Session(PeerId remotePeer, byte[] remotePublicKey, List<String> remoteMuxers) {}

    /** Called on the event loop. */
    public interface Listener {
        /** The secure channel is in place after {@code ctx}; add the next layer with addLast. */
        void secured(ChannelHandlerContext ctx, Session session) throws Exception;

        void failed(ChannelHandlerContext ctx, Throwable cause);
    }

    /** A host's X25519 static key, made once and signed by its identity. */
    public static final class StaticKey {
        final NoiseHandshake.StaticKey key;
        final KeyPair identity;

        public StaticKey(KeyPair identity) {
            this.identity = identity;
            this.key = NoiseHandshake.StaticKey.generate(identity);
        }
    }

    /** Which ChaCha20-Poly1305 implementation the transport uses (openssl, jdk or split), for logs and benchmarks. */
    public static String aeadName() {
        return CipherState.DEFAULT.name().toLowerCase(java.util.Locale.ROOT);
    }

    private final NoiseHandshake handshake;
    private final Listener listener;
    private boolean done;

    /**
     * @param muxers the stream muxers to offer in the handshake (early muxer negotiation); empty to leave it to multistream
     * @param expectedRemote the peer the dialer meant to reach, or null
     */
    public NoiseHandshakeHandler(boolean initiator, StaticKey staticKey, List<String> muxers, PeerId expectedRemote, Listener listener) {
        this.handshake = new NoiseHandshake(initiator, staticKey.identity, staticKey.key, List.copyOf(muxers), expectedRemote);
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws NoiseException {
        if (ctx.channel().isActive()) start(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private boolean started;

    private void start(ChannelHandlerContext ctx) throws NoiseException {
        if (started) return;
        started = true;
        if (handshake.canWrite()) send(ctx, handshake.writeMessage());
    }

    private static void send(ChannelHandlerContext ctx, byte[] msg) {
        ByteBuf out = ctx.alloc().buffer(2 + msg.length);
        out.writeShort(msg.length);
        out.writeBytes(msg);
        ctx.writeAndFlush(out);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        while (!done && in.readableBytes() >= 2) {
            int len = in.getUnsignedShort(in.readerIndex());
            if (in.readableBytes() < 2 + len) return;
            in.skipBytes(2);
            byte[] msg = new byte[len];
            in.readBytes(msg);
            try {
                handshake.readMessage(msg);
            } catch (IllegalArgumentException e) {
                throw new NoiseException(e.getMessage());
            }
            if (handshake.canWrite()) send(ctx, handshake.writeMessage());
            if (handshake.isDone()) finish(ctx);
        }
    }

    private void finish(ChannelHandlerContext ctx) throws Exception {
        done = true;
        NoiseHandshake.Result r = handshake.result();
        ctx.pipeline().addAfter(ctx.name(), null, new NoiseEncoder(r.sender()));
        ctx.pipeline().addAfter(ctx.name(), null, new NoiseDecoder(r.receiver()));
        listener.secured(ctx, new Session(r.remotePeer(), r.remotePublicKey(), r.remoteMuxers()));
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        done = true;
        listener.failed(ctx, cause instanceof DecoderException d && d.getCause() != null ? d.getCause() : cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!done) {
            done = true;
            listener.failed(ctx, new NoiseException("connection closed during the Noise handshake"));
        }
        super.channelInactive(ctx);
    }
}
