package org.petuum.ps.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The driver's metrics, in the driver plugin's registry ({@code <app>.driver.plugin.org.petuum.ps.PetuumPlugin.*}):
 * runs and their recoveries, and the clocks the workers of the current run have completed, as the workers report
 * them (at most a few times a second each, and at their end). Thread-safe.
 */
public final class DriverMetrics {
    /** Runs started ({@code run}, {@code runWorkers}, {@code runScheduled}). */
    public final Counter runsStarted;
    /** Attempts launched, first attempts included. */
    public final Counter runAttempts;
    /** Attempts that failed and were recovered from a checkpoint. */
    public final Counter recoveries;
    /** Shard indexes given to a new executor because theirs was lost (between runs or in a recovery). */
    public final Counter shardsReplaced;
    /** Milliseconds from finding a shard gone to its replacement serving its tables and rows. */
    public final Histogram healMillis;

    private final MetricRegistry registry;
    /** Clocks completed by each worker of the current run, by worker id. */
    private final ConcurrentMap<Integer, Integer> clocks = new ConcurrentHashMap<>();
    private volatile long runId = -1;

    public DriverMetrics(MetricRegistry registry) {
        this.registry = registry;
        runsStarted = registry.counter("driver.runsStarted");
        runAttempts = registry.counter("driver.runAttempts");
        recoveries = registry.counter("driver.recoveries");
        shardsReplaced = registry.counter("driver.shardsReplaced");
        healMillis = registry.histogram("driver.healMillis");
        registry.register("driver.slowestWorkerClock", (Gauge<Integer>) this::slowestClock);
        registry.register("driver.fastestWorkerClock", (Gauge<Integer>) this::fastestClock);
        registry.register("driver.clocksCompleted", (Gauge<Long>) () ->
                clocks.values().stream().mapToLong(Integer::longValue).sum());
    }

    /** A new run (or a new attempt) starts: the clocks reported from now on are its workers'. */
    public void runStarted(long newRunId, int workers) {
        runId = newRunId;
        clocks.clear();
        for (int w = 0; w < workers; w++) {
            clocks.put(w, 0);
        }
    }

    /** Worker {@code worker} of run {@code run} has completed {@code clock} clocks; reports of other runs are ignored. */
    public void clockReported(long run, int worker, int clock) {
        if (run != runId) {
            return;
        }
        clocks.merge(worker, clock, Math::max);
        String name = "driver.worker." + worker + ".clock";
        if (!registry.getGauges().containsKey(name)) {
            try {
                registry.register(name, (Gauge<Integer>) () -> clocks.getOrDefault(worker, 0));
            } catch (IllegalArgumentException raced) {
                // Another report registered it first.
            }
        }
    }

    /** The run whose clocks are being followed. */
    public long currentRun() {
        return runId;
    }

    /** The least clock any worker of the current run has completed, as reported (0 before any report). */
    public int slowestClock() {
        return clocks.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    /** The most clocks any worker of the current run has completed, as reported. */
    public int fastestClock() {
        return clocks.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** The clocks completed by {@code worker} in the current run, as last reported. */
    public int clockOf(int worker) {
        return clocks.getOrDefault(worker, 0);
    }
}
