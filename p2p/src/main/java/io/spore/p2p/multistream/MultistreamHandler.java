package io.spore.p2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;
import java.util.function.Predicate;

/**
 * Negotiates one protocol with multistream-select 1.0, then hands the channel over and removes
 * itself (the shape of Netty's ApplicationProtocolNegotiationHandler). Bytes that arrived after
 * the agreement are passed on to whatever {@link Listener#negotiated} installed after it.
 */
public final class MultistreamHandler extends ByteToMessageDecoder {
    /** Called on the channel's event loop. */
    public interface Listener {
        /** Install the protocol's handlers after {@code ctx} (e.g. {@code ctx.pipeline().addLast}). */
        void negotiated(ChannelHandlerContext ctx, String protocol) throws Exception;

        /** The channel is closed after this. */
        default void failed(ChannelHandlerContext ctx, Throwable cause) {}
    }

    private enum State { AWAIT_HEADER, AWAIT_ANSWER, AWAIT_PROPOSAL, DONE }

    private final boolean initiator;
    private final List<String> proposals;
    private final Predicate<String> supported;
    private final Listener listener;
    private int next;
    private boolean headerSent;
    private State state = State.AWAIT_HEADER;
    /** Bounds how many protocols a peer may try on one stream. */
    private int attempts;
    static final int MAX_ATTEMPTS = 32;

    private MultistreamHandler(boolean initiator, List<String> proposals, Predicate<String> supported, Listener listener) {
        this.initiator = initiator;
        this.proposals = proposals;
        this.supported = supported;
        this.listener = listener;
    }

    /** The dialer's side: proposes {@code protocols} in order until the peer accepts one. */
    public static MultistreamHandler initiator(List<String> protocols, Listener listener) {
        if (protocols.isEmpty()) throw new IllegalArgumentException("no protocol to propose");
        return new MultistreamHandler(true, List.copyOf(protocols), p -> false, listener);
    }

    /** The listener's side: accepts the first proposal that {@code supported} accepts. */
    public static MultistreamHandler responder(Predicate<String> supported, Listener listener) {
        return new MultistreamHandler(false, List.of(), supported, listener);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) start(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (headerSent) return;
        headerSent = true;
        // The header and the first proposal go in one write, as the spec recommends.
        ctx.writeAndFlush(initiator
                ? MultistreamCodec.encode(ctx.alloc(), MultistreamCodec.HEADER, proposals.get(next))
                : MultistreamCodec.encode(ctx.alloc(), MultistreamCodec.HEADER));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        while (state != State.DONE) {
            String msg = MultistreamCodec.read(in);
            if (msg == null) return;
            switch (state) {
                case AWAIT_HEADER -> {
                    if (!msg.equals(MultistreamCodec.HEADER)) {
                        throw new MultistreamException("peer does not speak " + MultistreamCodec.HEADER + " (sent '" + printable(msg) + "')");
                    }
                    state = initiator ? State.AWAIT_ANSWER : State.AWAIT_PROPOSAL;
                }
                case AWAIT_ANSWER -> {
                    String proposed = proposals.get(next);
                    if (msg.equals(proposed)) {
                        done(ctx, proposed);
                    } else if (msg.equals(MultistreamCodec.NA)) {
                        if (++next >= proposals.size()) throw new MultistreamException("peer supports none of " + proposals);
                        ctx.writeAndFlush(MultistreamCodec.encode(ctx.alloc(), proposals.get(next)));
                    } else {
                        throw new MultistreamException("unexpected multistream answer '" + printable(msg) + "' to " + proposed);
                    }
                }
                case AWAIT_PROPOSAL -> {
                    if (++attempts > MAX_ATTEMPTS) throw new MultistreamException("peer proposed more than " + MAX_ATTEMPTS + " protocols");
                    if (!msg.equals("ls") && supported.test(msg)) {
                        ctx.writeAndFlush(MultistreamCodec.encode(ctx.alloc(), msg));
                        done(ctx, msg);
                    } else {
                        ctx.writeAndFlush(MultistreamCodec.encode(ctx.alloc(), MultistreamCodec.NA));
                    }
                }
                case DONE -> { }
            }
        }
    }

    private void done(ChannelHandlerContext ctx, String protocol) throws Exception {
        state = State.DONE;
        listener.negotiated(ctx, protocol);
        // Removing a ByteToMessageDecoder passes what is left of its buffer to the next handler.
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.DONE) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        state = State.DONE;
        Throwable c = cause instanceof io.netty.handler.codec.DecoderException d && d.getCause() != null ? d.getCause() : cause;
        listener.failed(ctx, c);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (state != State.DONE) {
            state = State.DONE;
            listener.failed(ctx, new MultistreamException("stream closed during protocol negotiation"));
        }
        super.channelInactive(ctx);
    }

    private static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
