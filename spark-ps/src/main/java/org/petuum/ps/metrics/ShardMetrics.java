package org.petuum.ps.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import java.util.function.Supplier;
import org.petuum.ssp.ShardStorage;

/**
 * The metrics of one executor's shard server, registered in a Dropwizard registry: in an executor, the plugin's
 * ({@code PluginContext.metricRegistry()}), so every Spark metrics sink (JMX, CSV, Prometheus servlet …) reports
 * them as {@code <app>.<executor>.plugin.org.petuum.ps.PetuumPlugin.<name>}. Names and meanings are listed in
 * README ("Metrics").
 *
 * <p>Thread-safe: Dropwizard's counters and histograms are; the gauges call {@code storage} on the reporter's
 * thread.
 */
public final class ShardMetrics {
    /** Frames received (requests, flushes, updates: every message a client sends). */
    public final Counter requestsIn;
    /** Bytes of frames received, headers included. */
    public final Counter bytesIn;
    /** Frames sent (answers, acknowledgements, pushes). */
    public final Counter messagesOut;
    /** Bytes of frames sent, headers included. */
    public final Counter bytesOut;
    /** Clock batches {@code (worker, clock)} applied. */
    public final Counter flushesApplied;
    /** Clock batches refused because they had been applied already (a resend after a reconnect or retry). */
    public final Counter flushesDuplicate;
    /**
     * Nanoseconds spent applying flushes and early updates, under the lock that serialises a shard's changes: its
     * rate over wall time is the share of the time the shard was busy adding updates (near 1, the shard limits how
     * fast its workers' updates are taken in).
     */
    public final Counter applyNanos;
    /** Reads that had to wait for slower workers before they could be answered. */
    public final Counter readsWaited;
    /** Reads that waited past their deadline and failed. */
    public final Counter readsTimedOut;
    /** How long the reads that waited waited, in milliseconds. */
    public final Histogram readWaitMillis;
    /** How many clocks older than the reader's own clock the rows served were (0: as fresh as BSP). */
    public final Histogram stalenessServed;
    /** Rows pushed to processes without being asked (ESSP and managed communication). */
    public final Counter rowsPushed;
    /**
     * Connections whose requests are not read now because their answers are not being read: the peer's unread
     * answers filled the outgoing buffer (back-pressure; reading resumes when it drains).
     */
    public final Counter connectionsPaused;
    /** Checkpoint images written, and their write time (milliseconds) and size (bytes). */
    public final Histogram checkpointWriteMillis;
    public final Histogram checkpointBytes;

    /**
     * Registers every metric in {@code registry} under {@code shard.*}.
     *
     * @param storage what the shard stores now (called by gauges, off the network threads)
     */
    public ShardMetrics(MetricRegistry registry, Supplier<ShardStorage> storage) {
        requestsIn = registry.counter("shard.requestsIn");
        bytesIn = registry.counter("shard.bytesIn");
        messagesOut = registry.counter("shard.messagesOut");
        bytesOut = registry.counter("shard.bytesOut");
        flushesApplied = registry.counter("shard.flushesApplied");
        flushesDuplicate = registry.counter("shard.flushesDuplicate");
        applyNanos = registry.counter("shard.applyNanos");
        readsWaited = registry.counter("shard.readsWaited");
        readsTimedOut = registry.counter("shard.readsTimedOut");
        readWaitMillis = registry.histogram("shard.readWaitMillis");
        stalenessServed = registry.histogram("shard.stalenessServed");
        rowsPushed = registry.counter("shard.rowsPushed");
        connectionsPaused = registry.counter("shard.connectionsPaused");
        checkpointWriteMillis = registry.histogram("shard.checkpointWriteMillis");
        checkpointBytes = registry.histogram("shard.checkpointBytes");
        registry.register("shard.rowsHeld", (Gauge<Long>) () -> storage.get().rows());
        registry.register("shard.cellsHeld", (Gauge<Long>) () -> storage.get().cells());
        registry.register("shard.bytesHeld", (Gauge<Long>) () -> storage.get().estimatedBytes());
    }

    /** Metrics that go nowhere: for servers started outside Spark (tests, benchmarks). */
    public static ShardMetrics unregistered(Supplier<ShardStorage> storage) {
        return new ShardMetrics(new MetricRegistry(), storage);
    }
}
