package io.spore.p2p.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * One Yamux stream as a Netty channel on its connection's event loop. Writes become Data frames
 * within the peer's window; received data is handed to the pipeline as it is read, and window
 * updates are sent only for data the pipeline has taken, so a slow reader holds back its sender
 * instead of filling our memory. {@code shutdownOutput()} sends FIN after the queued data;
 * {@code close()} sends FIN when the peer has finished too, RST otherwise.
 */
final class YamuxStream extends AbstractChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final YamuxSession session;
    final int id;
    private final DefaultChannelConfig config = new DefaultChannelConfig(this);
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
    private boolean open = true;
    private boolean readPending;
    private boolean delivering;
    private boolean remoteFin;
    private boolean inputShutdownFired;
    private boolean finPending;
    private boolean localFin;
    private boolean reset;
    private ChannelPromise finPromise;
    /** Bytes the peer may still send before we update its window. */
    private long recvWindow = YamuxConfig.INITIAL_WINDOW;
    /** The window we aim to keep open; grows while the reader keeps up. */
    private long recvTarget = YamuxConfig.INITIAL_WINDOW;
    private long consumed;
    private long sendWindow = YamuxConfig.INITIAL_WINDOW;
    boolean acked;

    YamuxStream(YamuxSession session, int id) {
        super(session.channel(), new StreamId(session.channel(), id));
        this.session = session;
        this.id = id;
        config.setWriteBufferWaterMark(new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
    }

    // ---- from the session (event loop) ----

    /** {@code declared}: the bytes the frame still carries from this piece on (see YamuxFrameDecoder). */
    void onData(ByteBuf data, long declared) throws YamuxException {
        int n = data.readableBytes();
        if (Math.max(n, declared) > recvWindow) {
            // The session releases the data of a refused frame (a slice's refCnt is its parent's: never guess).
            throw new YamuxException("peer sent " + Math.max(n, declared) + " bytes on stream " + id + " with a window of " + recvWindow);
        }
        recvWindow -= n;
        if (remoteFin || reset || !open) {
            data.release();
            return;
        }
        inbound.add(data);
        if (readPending) deliver();
    }

    void onWindowUpdate(long delta) throws YamuxException {
        if (sendWindow + delta > 0xFFFF_FFFFL) throw new YamuxException("window update overflows stream " + id + "'s window");
        boolean wasBlocked = sendWindow == 0;
        sendWindow += delta;
        if (wasBlocked && delta > 0) resumeWrites();
    }

    void onRemoteFin() {
        if (remoteFin) return;
        remoteFin = true;
        if (readPending || inbound.isEmpty()) deliver();
    }

    void onRemoteReset() {
        reset = true;
        close();
    }

    /** The connection is gone. */
    void onSessionClosed() {
        reset = true;
        if (open) unsafe().close(unsafe().voidPromise());
    }

    void resumeWrites() {
        if (isRegistered() && open) ((StreamUnsafe) unsafe()).forceFlush();
    }

    boolean hasPendingWrites() {
        ChannelOutboundBuffer b = unsafe().outboundBuffer();
        return b != null && !b.isEmpty() || finPending && !localFin;
    }

    // ---- reading ----

    @Override
    protected void doBeginRead() {
        readPending = true;
        deliver();
    }

    private void deliver() {
        if (delivering || !isRegistered()) return;
        delivering = true;
        try {
            boolean any = false;
            while (readPending && !inbound.isEmpty()) {
                ByteBuf b = inbound.poll();
                consumed += b.readableBytes();
                any = true;
                pipeline().fireChannelRead(b);
                if (!config.isAutoRead()) readPending = false;
            }
            if (any) {
                readPending = false;
                pipeline().fireChannelReadComplete();
                updateWindow();
            }
            if (remoteFin && inbound.isEmpty() && !inputShutdownFired && open) {
                inputShutdownFired = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
                if (localFin && open) close();
            }
        } finally {
            delivering = false;
        }
    }

    private void updateWindow() {
        if (remoteFin || !open) return;
        // Send credit back once half the target has been consumed; grow the target (up to the
        // configured maximum and within the session's budget) since the reader is keeping up.
        if (consumed < recvTarget / 2) return;
        long grow = session.grantGrowth(recvTarget);
        recvTarget += grow;
        long delta = consumed + grow;
        consumed = 0;
        recvWindow += delta;
        session.writeWindowUpdate(id, 0, delta);
        session.flush();
    }

    // ---- writing ----

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        boolean wrote = false;
        while (true) {
            Object msg = in.current();
            if (msg == null) break;
            if (!(msg instanceof ByteBuf buf)) {
                in.remove(new UnsupportedOperationException("a Yamux stream carries ByteBufs only, got " + msg.getClass().getName()));
                continue;
            }
            if (!buf.isReadable()) {
                in.remove();
                continue;
            }
            if (sendWindow == 0 || !session.channel().isWritable()) break;
            int n = (int) Math.min(Math.min(buf.readableBytes(), sendWindow), session.config().maxDataFrame());
            ByteBuf slice = buf.readRetainedSlice(n);
            sendWindow -= n;
            session.writeData(id, slice);
            wrote = true;
            in.progress(n);
            if (!buf.isReadable()) in.remove();
        }
        if (in.isEmpty() && finPending && !localFin) {
            sendFin();
            wrote = true;
        }
        if (wrote) session.flush();
    }

    private void sendFin() {
        localFin = true;
        session.writeWindowUpdate(id, YamuxFrame.FIN, 0);
        if (finPromise != null) finPromise.trySuccess();
        if (remoteFin && inputShutdownFired && open) eventLoop().execute(this::close);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) return msg;
        ReferenceCountUtil.release(msg);
        throw new UnsupportedOperationException("a Yamux stream carries ByteBufs only, got " + msg.getClass().getName());
    }

    // ---- half close (DuplexChannel) ----

    @Override public boolean isInputShutdown() { return inputShutdownFired; }

    @Override public ChannelFuture shutdownInput() { return shutdownInput(newPromise()); }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        // Yamux cannot tell the peer to stop sending short of RST; drop what comes instead.
        eventLoop().execute(() -> {
            ByteBuf b;
            while ((b = inbound.poll()) != null) b.release();
            remoteFin = true;
            promise.trySuccess();
        });
        return promise;
    }

    @Override public boolean isOutputShutdown() { return localFin || finPending; }

    @Override public ChannelFuture shutdownOutput() { return shutdownOutput(newPromise()); }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) shutdownOutput0(promise);
        else loop.execute(() -> shutdownOutput0(promise));
        return promise;
    }

    private void shutdownOutput0(ChannelPromise promise) {
        if (!open || reset) {
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        if (localFin || finPending) {
            promise.trySuccess();
            return;
        }
        finPending = true;
        finPromise = promise;
        flush();
        ChannelOutboundBuffer b = unsafe().outboundBuffer();
        if (!localFin && (b == null || b.isEmpty())) {
            sendFin();
            session.flush();
        }
    }

    @Override public boolean isShutdown() { return isInputShutdown() && isOutputShutdown(); }

    @Override public ChannelFuture shutdown() { return shutdown(newPromise()); }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        shutdownInput();
        return shutdownOutput(promise);
    }

    // ---- lifecycle ----

    @Override
    protected void doClose() {
        if (!open) return;
        open = false;
        if (!reset && session.channel().isActive()) {
            if (remoteFin && !localFin) session.writeWindowUpdate(id, YamuxFrame.FIN, 0);
            else if (!remoteFin || !localFin) session.writeWindowUpdate(id, YamuxFrame.RST, 0);
            session.flush();
        }
        ByteBuf b;
        while ((b = inbound.poll()) != null) b.release();
        if (finPromise != null) finPromise.tryFailure(new ClosedChannelException());
        session.streamClosed(this);
    }

    @Override protected boolean isCompatible(EventLoop loop) { return true; }

    @Override protected SocketAddress localAddress0() { return parent().localAddress(); }

    @Override protected SocketAddress remoteAddress0() { return parent().remoteAddress(); }

    @Override protected void doBind(SocketAddress localAddress) { throw new UnsupportedOperationException("a Yamux stream cannot be bound"); }

    @Override protected void doDisconnect() { close(); }

    @Override public ChannelConfig config() { return config; }

    @Override public boolean isOpen() { return open; }

    @Override public boolean isActive() { return open; }

    @Override public ChannelMetadata metadata() { return METADATA; }

    @Override protected AbstractUnsafe newUnsafe() { return new StreamUnsafe(); }

    @Override public String toString() { return "yamux stream " + id + " of " + parent(); }

    private final class StreamUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("open streams with Connection.openStream"));
        }

        void forceFlush() { flush0(); }
    }

    /** Stream ids read as "parent id/stream id" in logs. */
    private record StreamId(io.netty.channel.Channel parent, int id) implements io.netty.channel.ChannelId {
        @Override public String asShortText() { return parent.id().asShortText() + "/" + id; }
        @Override public String asLongText() { return parent.id().asLongText() + "/" + id; }
        @Override public int compareTo(io.netty.channel.ChannelId o) { return asLongText().compareTo(o.asLongText()); }
    }
}
