package org.petuum.ps.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.petuum.ps.client.ClockListener;

/**
 * Sends the clocks this process's workers complete to the driver, at most one report per worker every
 * {@code minIntervalMs} (a clock can take microseconds) and always the last one, so the driver's metrics follow
 * the run without a message per clock. Thread-safe: every worker thread calls in.
 */
final class ProgressReports implements ClockListener {
    private final Consumer<WorkerProgress> send;
    private final LongSupplier nanoTime;
    private final long minIntervalNanos;
    /** When each worker last reported. */
    private final ConcurrentHashMap<Key, Long> lastSent = new ConcurrentHashMap<>();

    private record Key(long runId, int worker) {
    }

    ProgressReports(Consumer<WorkerProgress> send, LongSupplier nanoTime, long minIntervalMs) {
        this.send = send;
        this.nanoTime = nanoTime;
        this.minIntervalNanos = minIntervalMs * 1_000_000L;
    }

    @Override
    public void clocked(long runId, int worker, int clock, boolean last) {
        clocked(runId, worker, clock, last, Map.of());
    }

    @Override
    public void clocked(long runId, int worker, int clock, boolean last, Map<String, Integer> bounds) {
        Key key = new Key(runId, worker);
        long now = nanoTime.getAsLong();
        if (last) {
            lastSent.remove(key);
        } else {
            Long before = lastSent.get(key);
            if (before != null && now - before < minIntervalNanos) {
                return;
            }
            lastSent.put(key, now);
        }
        send.accept(new WorkerProgress(runId, worker, clock, bounds));
    }
}
