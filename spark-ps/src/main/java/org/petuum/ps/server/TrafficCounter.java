package org.petuum.ps.server;

import org.petuum.ps.metrics.ShardMetrics;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.channel.ChannelDuplexHandler;
import org.petuum.shaded.io.netty.channel.ChannelHandler;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.channel.ChannelPromise;

/**
 * Counts the bytes a shard's connections receive and send, as they cross the wire (after TLS when it is on).
 * Stateless apart from the shared counters, so one instance serves every connection.
 */
@ChannelHandler.Sharable
final class TrafficCounter extends ChannelDuplexHandler {
    private final ShardMetrics metrics;

    TrafficCounter(ShardMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            metrics.bytesIn.inc(b.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            metrics.bytesOut.inc(b.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
