package io.spore.p2p.host;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Helpers for stream channels. */
public final class Streams {
    private Streams() {}

    /**
     * Half-closes {@code stream} (FIN after what was written), then closes it once the peer has
     * finished too, or after {@code linger}. Closing at once would send RST, and some peers drop
     * data that was still buffered when a RST arrives.
     */
    public static void finish(Channel stream, Duration linger) {
        stream.eventLoop().execute(() -> {
            stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ReferenceCountUtil.release(msg);
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) ctx.close();
                }
            });
            if (stream instanceof DuplexChannel d) {
                if (d.isInputShutdown()) {
                    d.shutdownOutput().addListener(f -> stream.close());
                    return;
                }
                d.shutdownOutput();
            }
            var t = stream.eventLoop().schedule(() -> { stream.close(); }, linger.toMillis(), TimeUnit.MILLISECONDS);
            stream.closeFuture().addListener(f -> t.cancel(false));
        });
    }
}
