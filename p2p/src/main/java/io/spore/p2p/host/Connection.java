package io.spore.p2p.host;

import io.netty.channel.Channel;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.util.concurrent.CompletableFuture;

/**
 * An upgraded (Noise + Yamux) connection to one peer.
 *
 * <p>Each stream is a Netty {@link io.netty.channel.socket.DuplexChannel} of its own: ByteBufs
 * written to it become Yamux data frames (flow-controlled), {@code shutdownOutput()} sends FIN,
 * {@code close()} ends the stream (RST if the peer has not finished), the peer's FIN arrives as
 * a {@link io.netty.channel.socket.ChannelInputShutdownEvent} user event.
 *
 * <p>A stream the peer opens arrives at the {@link StreamHandler} registered for its protocol.
 */
public interface Connection {
    PeerId remotePeer();

    Multiaddr remoteAddress();

    /** True when this side dialed. */
    boolean isInitiator();

    /**
     * Opens a stream and negotiates {@code protocol} on it with multistream-select. The future
     * completes with the stream channel, whose pipeline is empty: the caller adds its handlers.
     * Data that arrives before the handlers are in place is held (reading pauses) and handed to
     * them once they are added, whether that happens in a callback or on another thread.
     */
    CompletableFuture<Channel> openStream(String protocol);

    boolean isOpen();

    void close();

    /** The number of streams open on this connection (a default so that test fakes keep compiling). */
    default int streamCount() { return 0; }
}
