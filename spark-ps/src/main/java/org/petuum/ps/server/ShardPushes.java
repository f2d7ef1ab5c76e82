package org.petuum.ps.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.petuum.ps.client.EarlyUpdates;
import org.petuum.ps.client.TokenBucket;
import org.petuum.ps.metrics.ShardMetrics;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.RowPush;
import org.petuum.shaded.io.netty.channel.Channel;
import org.petuum.ssp.ShardPush;
import org.petuum.ssp.ShardState;

/**
 * The rows a shard sends unasked, as frames: turns its state's pushes into {@code ROW_PUSH} messages for the
 * connections that read the rows, each within the frame limit, and under managed communication spends the
 * bandwidth budget on the rows that changed most.
 *
 * <p>Not thread-safe: called under the {@link ShardService} lock; the messages are sent after it is released.
 */
final class ShardPushes {
    /** A push to send once the lock is released. */
    record Outgoing(Channel channel, RowPush message) {
    }

    private final int maxFrameBytes;
    /** The budget of managed pushes, or {@code null} when they are off. */
    private final TokenBucket budget;
    private final ShardMetrics metrics;
    private long managedBytes;

    /**
     * @param bandwidthMbps the budget of managed pushes (the most-changed rows, after updates sent between
     *                      clocks); 0 turns them off
     */
    ShardPushes(int maxFrameBytes, double bandwidthMbps, LongSupplier nanoTime, ShardMetrics metrics) {
        this.maxFrameBytes = maxFrameBytes;
        this.metrics = metrics;
        this.budget = bandwidthMbps > 0
                ? new TokenBucket(bandwidthMbps * 1e6 / 8, EarlyUpdates.MAX_MANAGED_MESSAGE, nanoTime) : null;
    }

    /** Whether managed pushes are on. */
    boolean managed() {
        return budget != null;
    }

    /** Bytes sent in managed pushes so far. */
    long managedBytes() {
        return managedBytes;
    }

    /**
     * The frames of {@code pushes} of run {@code runId}, each with its connection's watermark in
     * {@code lastHandled}; a connection that has closed (no watermark) gets none.
     */
    List<Outgoing> messages(long runId, List<ShardPush> pushes, Map<Channel, Long> lastHandled) {
        if (pushes.isEmpty()) {
            return List.of();
        }
        List<Outgoing> out = new ArrayList<>(pushes.size());
        for (ShardPush p : pushes) {
            Channel ch = (Channel) p.subscriber();
            Long watermark = lastHandled.get(ch);
            if (watermark != null) {
                // Many rows of a large table may be pushed at once: in frames the reader accepts.
                for (RowPush push : RowPush.split(runId, watermark, p.rows(), maxFrameBytes)) {
                    out.add(new Outgoing(ch, push));
                    metrics.rowsPushed.inc(push.snapshot().size());
                }
            }
        }
        return out;
    }

    /**
     * Managed communication: the rows that changed most go back to their readers, as many as the budget allows
     * now (none when managed pushes are off).
     */
    List<Outgoing> mostChanged(ShardState<?> state, Map<Channel, Long> lastHandled) {
        if (budget == null) {
            return List.of();
        }
        List<Outgoing> pushes = messages(state.runId(), state.mostChangedPushes((long) budget.available()),
                lastHandled);
        for (Outgoing p : pushes) {
            long bytes = FrameLayout.frameBytes(p.message());
            budget.take(Math.min(bytes, budget.available()));
            managedBytes += bytes;
        }
        return pushes;
    }
}
