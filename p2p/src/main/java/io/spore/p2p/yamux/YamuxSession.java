package io.spore.p2p.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * A Yamux session on a secured connection (yamux/README.md): demultiplexes frames onto
 * {@link YamuxStream} child channels, answers pings, honours GoAway, and enforces the limits in
 * {@link YamuxConfig}. A peer that breaks the protocol gets GoAway(protocol error) and loses its
 * connection; other connections are not affected.
 *
 * <p>Install with {@link #install}; it adds the frame decoder and itself at the end of the pipeline.
 */
public final class YamuxSession extends ChannelDuplexHandler {
    private final boolean client;
    private final YamuxConfig config;
    private final Consumer<Channel> inboundStreams;
    private final IntObjectMap<YamuxStream> streams = new IntObjectHashMap<>();
    private ChannelHandlerContext ctx;
    private int nextId;
    private int inboundCount;
    private int unacked;
    private long grownWindows;
    private boolean goAwayReceived;
    private boolean goAwaySent;
    private boolean failed;
    private int pingSeq;
    private final IntObjectMap<Promise<Long>> pings = new IntObjectHashMap<>();

    private YamuxSession(boolean client, YamuxConfig config, Consumer<Channel> inboundStreams) {
        this.client = client;
        this.config = config;
        this.inboundStreams = inboundStreams;
        this.nextId = client ? 1 : 2;
    }

    /**
     * Adds Yamux to the end of {@code channel}'s pipeline.
     *
     * @param client true on the side that dialed (odd stream ids)
     * @param inboundStreams called on the event loop with each stream the peer opens, before it
     *        is registered: add its handlers (e.g. a multistream responder) there
     */
    public static YamuxSession install(Channel channel, boolean client, YamuxConfig config, Consumer<Channel> inboundStreams) {
        YamuxSession s = new YamuxSession(client, config, inboundStreams);
        channel.pipeline().addLast(new YamuxFrameDecoder(config.maxWindow()), s);
        return s;
    }

    Channel channel() { return ctx.channel(); }

    YamuxConfig config() { return config; }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Opens a stream; the future completes once it is registered (before the peer's ACK: data may
     * be sent at once). {@code init} adds the stream's first handlers before anything can arrive.
     */
    public Future<Channel> openStream(Consumer<Channel> init) {
        Promise<Channel> p = ctx.executor().newPromise();
        if (ctx.executor().inEventLoop()) open(p, init);
        else ctx.executor().execute(() -> open(p, init));
        return p;
    }

    private void open(Promise<Channel> p, Consumer<Channel> init) {
        if (!ctx.channel().isActive()) {
            p.tryFailure(new ClosedChannelException());
            return;
        }
        if (goAwayReceived || goAwaySent) {
            p.tryFailure(new YamuxException("the peer is going away: no new streams on this connection"));
            return;
        }
        if (unacked >= config.maxAckBacklog()) {
            p.tryFailure(new YamuxException(unacked + " streams await the peer's acknowledgement: open fewer streams at once"));
            return;
        }
        if (nextId < 0) {
            p.tryFailure(new YamuxException("stream ids exhausted on this connection: reconnect"));
            return;
        }
        YamuxStream s = new YamuxStream(this, nextId);
        nextId += 2;
        streams.put(s.id, s);
        unacked++;
        writeWindowUpdate(s.id, YamuxFrame.SYN, 0);
        flush();
        init.accept(s);
        ctx.channel().eventLoop().register(s).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) p.trySuccess(s);
            else p.tryFailure(f.cause());
        });
    }

    /** Sends a ping; the future gives the round trip in nanoseconds. */
    public Future<Long> ping() {
        Promise<Long> p = ctx.executor().newPromise();
        ctx.executor().execute(() -> {
            int v = ++pingSeq;
            long start = System.nanoTime();
            Promise<Long> q = ctx.executor().newPromise();
            q.addListener(f -> p.trySuccess(System.nanoTime() - start));
            pings.put(v, q);
            ctx.writeAndFlush(YamuxFrame.header(ctx.alloc(), YamuxFrame.PING, YamuxFrame.SYN, 0, v & 0xFFFF_FFFFL));
        });
        return p;
    }

    /** Sends GoAway(normal): the peer opens no more streams; existing ones go on. */
    public void goAway() {
        ctx.executor().execute(() -> sendGoAway(YamuxFrame.GO_AWAY_NORMAL));
    }

    public int streamCount() { return streams.size(); }

    // ---- frames in ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof YamuxFrame f)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            // After a protocol error, what the peer still sends (e.g. the rest of a refused frame) is dropped.
            if (f.data() != null) f.data().release();
            return;
        }
        try {
            handle(f);
        } catch (YamuxException e) {
            // Every path that throws leaves the data unreleased.
            if (f.data() != null) f.data().release();
            protocolError(e);
        }
    }

    private void handle(YamuxFrame f) throws YamuxException {
        switch (f.type()) {
            case YamuxFrame.DATA, YamuxFrame.WINDOW_UPDATE -> streamFrame(f);
            case YamuxFrame.PING -> {
                if (f.streamId() != 0) throw new YamuxException("ping on stream " + f.streamId());
                if (f.has(YamuxFrame.SYN)) {
                    ctx.writeAndFlush(YamuxFrame.header(ctx.alloc(), YamuxFrame.PING, YamuxFrame.ACK, 0, f.length()));
                } else if (f.has(YamuxFrame.ACK)) {
                    Promise<Long> p = pings.remove((int) f.length());
                    if (p != null) p.trySuccess(0L);
                }
            }
            case YamuxFrame.GO_AWAY -> {
                if (f.streamId() != 0) throw new YamuxException("GoAway on stream " + f.streamId());
                goAwayReceived = true;
            }
            default -> throw new YamuxException("unknown frame type " + f.type());
        }
    }

    private void streamFrame(YamuxFrame f) throws YamuxException {
        int id = f.streamId();
        YamuxStream s;
        if (f.has(YamuxFrame.SYN)) {
            if (id == 0 || ((id & 1) == 1) == client) throw new YamuxException("peer opened stream " + id + " with this side's parity");
            if (streams.containsKey(id)) throw new YamuxException("peer opened stream " + id + " twice");
            if (goAwaySent || inboundCount >= config.maxInboundStreams()) {
                if (f.data() != null) f.data().release();
                ctx.writeAndFlush(YamuxFrame.header(ctx.alloc(), YamuxFrame.WINDOW_UPDATE, YamuxFrame.RST, id, 0));
                return;
            }
            s = new YamuxStream(this, id);
            s.acked = true;
            streams.put(id, s);
            inboundCount++;
            writeWindowUpdate(id, YamuxFrame.ACK, 0);
            flush();
            inboundStreams.accept(s);
            ctx.channel().eventLoop().register(s);
        } else {
            s = streams.get(id);
            if (s == null) {
                // A stream we already closed or reset: late frames are normal, drop them.
                if (f.data() != null) f.data().release();
                return;
            }
        }
        if (f.has(YamuxFrame.ACK) && !s.acked) {
            s.acked = true;
            unacked--;
        }
        if (f.type() == YamuxFrame.DATA) s.onData(f.data(), f.length());
        else if (f.length() > 0) s.onWindowUpdate(f.length());
        if (f.has(YamuxFrame.FIN)) s.onRemoteFin();
        if (f.has(YamuxFrame.RST)) s.onRemoteReset();
    }

    private void protocolError(Throwable e) {
        failed = true;
        sendGoAway(YamuxFrame.GO_AWAY_PROTOCOL_ERROR);
        ctx.channel().attr(CLOSE_REASON).set(e.getMessage());
        ctx.close();
    }

    /** Why the session closed the connection, for logs and tests. */
    public static final io.netty.util.AttributeKey<String> CLOSE_REASON = io.netty.util.AttributeKey.valueOf("spore.yamux.closeReason");

    private void sendGoAway(int code) {
        if (goAwaySent || !ctx.channel().isActive()) return;
        goAwaySent = true;
        ctx.writeAndFlush(YamuxFrame.header(ctx.alloc(), YamuxFrame.GO_AWAY, 0, 0, code));
    }

    // ---- from streams ----

    void writeData(int id, ByteBuf data) {
        ByteBuf h = YamuxFrame.header(ctx.alloc(), YamuxFrame.DATA, 0, id, data.readableBytes());
        ctx.write(h, ctx.voidPromise());
        ctx.write(data, ctx.voidPromise());
    }

    void writeWindowUpdate(int id, int flags, long delta) {
        ctx.write(YamuxFrame.header(ctx.alloc(), YamuxFrame.WINDOW_UPDATE, flags, id, delta), ctx.voidPromise());
    }

    void flush() { ctx.flush(); }

    /** How much a stream with receive target {@code current} may grow now, within the budget. */
    long grantGrowth(long current) {
        long want = Math.min(current, config.maxWindow() - current);
        if (want <= 0) return 0;
        long room = config.sessionWindowBudget() - grownWindows;
        long g = Math.max(0, Math.min(want, room));
        grownWindows += g;
        return g;
    }

    void streamClosed(YamuxStream s) {
        if (streams.remove(s.id) == null) return;
        if (!s.acked) unacked--;
        if (((s.id & 1) == 1) != client) inboundCount--;
    }

    // ---- connection events ----

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            for (YamuxStream s : new ArrayList<>(streams.values())) {
                if (s.hasPendingWrites()) s.resumeWrites();
                if (!ctx.channel().isWritable()) break;
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (YamuxStream s : new ArrayList<>(streams.values())) s.onSessionClosed();
        streams.clear();
        for (Promise<Long> p : pings.values()) p.tryFailure(new ClosedChannelException());
        pings.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException d && d.getCause() != null ? d.getCause() : cause;
        if (cause instanceof DecoderException) protocolError(c);
        else {
            ctx.channel().attr(CLOSE_REASON).setIfAbsent(String.valueOf(c.getMessage()));
            ctx.close();
        }
    }
}
