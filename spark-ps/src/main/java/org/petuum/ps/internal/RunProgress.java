package org.petuum.ps.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.Progress;
import org.petuum.ps.ProgressListener;

/**
 * The driver's progress listeners, and the run progress they hear: one {@link Progress} each time the slowest
 * worker of the current run completes a clock. Thread-safe: listeners are copied on write; the run's state is
 * guarded by this object's monitor, held only while deciding what to tell (never while telling).
 */
public final class RunProgress {
    private static final Logger LOG = LogManager.getLogger(RunProgress.class);

    private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
    private long runId = -1;
    private int startClock;
    private int lastSlowest;
    private long startNanos;

    public void add(ProgressListener listener) {
        listeners.add(listener);
    }

    public void remove(ProgressListener listener) {
        listeners.remove(listener);
    }

    /** Tells every listener; a listener that throws is logged and the others still hear. */
    public void tell(Progress p) {
        for (ProgressListener l : listeners) {
            try {
                l.onProgress(p);
            } catch (RuntimeException e) {
                LOG.warn("a progress listener failed on {}: {}", p, e.toString(), e);
            }
        }
    }

    synchronized void runStarted(long newRunId, int fromClock) {
        runId = newRunId;
        startClock = fromClock;
        lastSlowest = fromClock;
        startNanos = System.nanoTime();
    }

    /** Run {@code id}'s workers have completed between {@code slowest} and {@code fastest} clocks. */
    void clocks(long id, int slowest, int fastest) {
        clocks(id, slowest, fastest, "");
    }

    /**
     * As {@link #clocks(long, int, int)}, with the staleness bounds in force of the run's {@code SSP_AUTO} tables
     * (see {@link Progress#bounds()}; empty without such tables).
     */
    void clocks(long id, int slowest, int fastest, String bounds) {
        Progress p;
        synchronized (this) {
            if (id != runId || slowest <= lastSlowest) {
                return;
            }
            lastSlowest = slowest;
            long elapsed = System.nanoTime() - startNanos;
            double perSecond = (slowest - startClock) / Math.max(1e-9, elapsed / 1e9);
            p = new Progress("run " + id, slowest, -1, "clock", Double.NaN, "", perSecond, "clocks/s",
                    elapsed / 1_000_000, fastest - slowest, bounds);
        }
        if (!listeners.isEmpty()) {
            tell(p);
        }
    }
}
