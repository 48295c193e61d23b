package io.spore.p2p.host;

import io.netty.channel.Channel;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multistream.MultistreamHandler;
import io.spore.p2p.yamux.YamuxSession;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A secured, multiplexed connection: Noise below, one {@link YamuxSession} above. */
final class Libp2pConnection implements Connection {
    private final Libp2pHost host;
    final Channel channel;
    final YamuxSession session;
    private final PeerId remotePeer;
    private final Multiaddr remoteAddress;
    private final boolean initiator;
    final long openedNanos = System.nanoTime();

    Libp2pConnection(Libp2pHost host, Channel channel, YamuxSession session, PeerId remotePeer, Multiaddr remoteAddress, boolean initiator) {
        this.host = host;
        this.channel = channel;
        this.session = session;
        this.remotePeer = remotePeer;
        this.remoteAddress = remoteAddress;
        this.initiator = initiator;
    }

    @Override public PeerId remotePeer() { return remotePeer; }

    @Override public Multiaddr remoteAddress() { return remoteAddress; }

    @Override public boolean isInitiator() { return initiator; }

    @Override
    public CompletableFuture<Channel> openStream(String protocol) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        session.openStream(stream -> {
            var timeout = channel.eventLoop().schedule(() -> {
                if (result.completeExceptionally(new TimeoutException("peer " + remotePeer + " did not agree on " + protocol
                        + " within " + host.config.negotiationTimeout().toSeconds() + " s"))) stream.close();
            }, host.config.negotiationTimeout().toMillis(), TimeUnit.MILLISECONDS);
            stream.pipeline().addLast(MultistreamHandler.initiator(List.of(protocol), new MultistreamHandler.Listener() {
                @Override
                public void negotiated(io.netty.channel.ChannelHandlerContext ctx, String p) {
                    timeout.cancel(false);
                    ctx.pipeline().addLast(new StreamHandoff());
                    result.complete(stream);
                }

                @Override
                public void failed(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                    timeout.cancel(false);
                    result.completeExceptionally(cause);
                }
            }));
        }).addListener(f -> {
            if (!f.isSuccess()) result.completeExceptionally(f.cause());
        });
        return result;
    }

    @Override public boolean isOpen() { return channel.isActive(); }

    @Override public void close() { channel.close(); }

    @Override public int streamCount() { return session.streamCount(); }

    @Override public String toString() {
        return (initiator ? "connection to " : "connection from ") + remotePeer + " at " + remoteAddress;
    }
}
