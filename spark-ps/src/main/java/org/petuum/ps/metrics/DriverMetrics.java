package org.petuum.ps.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.TreeSet;
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
    /** Staleness bound in force of each worker's {@code SSP_AUTO} tables: table name, then worker id. */
    private final ConcurrentMap<String, ConcurrentMap<Integer, Integer>> bounds = new ConcurrentHashMap<>();
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
        bounds.clear();
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

    /**
     * Worker {@code worker} of run {@code run} reports the staleness bounds in force for its next clock of its
     * {@code SSP_AUTO} tables; a gauge {@code driver.worker.<id>.staleness.<table>} shows each (the last one
     * reported, also after the run). Reports of other runs are ignored.
     */
    public void boundsReported(long run, int worker, Map<String, Integer> tableBounds) {
        if (run != runId || tableBounds.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Integer> e : tableBounds.entrySet()) {
            String table = e.getKey();
            bounds.computeIfAbsent(table, t -> new ConcurrentHashMap<>()).put(worker, e.getValue());
            String name = "driver.worker." + worker + ".staleness." + table;
            if (!registry.getGauges().containsKey(name)) {
                try {
                    registry.register(name, (Gauge<Integer>) () -> {
                        Map<Integer, Integer> byWorker = bounds.get(table);
                        Integer b = byWorker == null ? null : byWorker.get(worker);
                        return b == null ? -1 : b;
                    });
                } catch (IllegalArgumentException raced) {
                    // Another report registered it first.
                }
            }
        }
    }

    /**
     * The bounds in force of the current run's {@code SSP_AUTO} tables as last reported, one {@code "table b"} (all
     * workers alike) or {@code "table lo-hi"} per table, sorted by name and separated by {@code ", "}; empty if none.
     */
    public String boundsInForce() {
        StringBuilder sb = new StringBuilder();
        for (String table : new TreeSet<>(bounds.keySet())) {
            Map<Integer, Integer> byWorker = bounds.get(table);
            int lo = byWorker.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            int hi = byWorker.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            sb.append(sb.length() == 0 ? "" : ", ").append(table).append(' ').append(lo);
            if (hi != lo) {
                sb.append('-').append(hi);
            }
        }
        return sb.toString();
    }

    /**
     * The value of gauge {@code driver.worker.<worker>.staleness.<table>}: the bound in force that worker last
     * reported for the table, or -1 if it reported none.
     */
    public int boundOf(int worker, String table) {
        Gauge<?> g = registry.getGauges().get("driver.worker." + worker + ".staleness." + table);
        return g == null ? -1 : (Integer) g.getValue();
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
