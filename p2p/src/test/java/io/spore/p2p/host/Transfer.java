package io.spore.p2p.host;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Test helper: sends bytes on a stream, half-closes, and collects everything the peer sends until its FIN. */
public final class Transfer {
    private Transfer() {}

    public static CompletableFuture<byte[]> exchange(Channel stream, byte[] data) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                byte[] a = new byte[b.readableBytes()];
                b.readBytes(a);
                b.release();
                got.writeBytes(a);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ChannelInputShutdownEvent) {
                    result.complete(got.toByteArray());
                    ctx.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                result.completeExceptionally(new IOException("stream closed after " + got.size() + " bytes without FIN"));
            }
        });
        // Write in 64 KiB pieces, as an application would.
        for (int off = 0; off < data.length; off += 65536) {
            stream.write(Unpooled.wrappedBuffer(data, off, Math.min(65536, data.length - off)));
        }
        stream.flush();
        ((DuplexChannel) stream).shutdownOutput();
        return result;
    }
}
