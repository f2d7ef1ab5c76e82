package org.petuum.ssp;

import java.util.Arrays;

/**
 * The clocks of a fixed set of workers, as one shard has seen them, and their minimum.
 * A worker's clock is the number of clocks it has completed.
 *
 * <p>Not thread-safe: owned by its {@link ShardState}.
 */
public final class VectorClock {
    /** The most workers a run may have (a bound on what a request can make a shard allocate). */
    public static final int MAX_WORKERS = 1 << 16;

    private final int[] clocks;
    private int min;

    public VectorClock(int workers) {
        this(workers, 0);
    }

    /** Every worker at clock {@code start} (a run resumed from a checkpoint). */
    public VectorClock(int workers, int start) {
        if (workers <= 0 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers : " + workers + " (expected: 1 <= workers <= " + MAX_WORKERS + ")");
        }
        if (start < 0) {
            throw new IllegalArgumentException("start : " + start + " (expected: >= 0)");
        }
        this.clocks = new int[workers];
        Arrays.fill(clocks, start);
        this.min = start;
    }

    public int workers() {
        return clocks.length;
    }

    public int clockOf(int worker) {
        return clocks[worker];
    }

    /** The smallest clock of any worker: every update of every clock below it has been seen. */
    public int min() {
        return min;
    }

    /** The smallest clock of every worker but {@code worker} ({@link Integer#MAX_VALUE} if it is alone). */
    public int minExcluding(int worker) {
        int m = Integer.MAX_VALUE;
        for (int w = 0; w < clocks.length; w++) {
            if (w != worker) {
                m = Math.min(m, clocks[w]);
            }
        }
        return m;
    }

    /** The lowest-numbered worker whose clock is the minimum. */
    public int slowestWorker() {
        for (int w = 0; w < clocks.length; w++) {
            if (clocks[w] == min) {
                return w;
            }
        }
        throw new IllegalStateException("no worker at the minimum clock " + min + ": " + Arrays.toString(clocks));
    }

    /**
     * Sets {@code worker}'s clock to {@code clock}, which must be larger than its current clock.
     *
     * @return whether the minimum advanced
     */
    public boolean advance(int worker, int clock) {
        if (clock <= clocks[worker]) {
            throw new IllegalArgumentException(
                    "worker " + worker + ": clock " + clock + " does not advance from " + clocks[worker]);
        }
        boolean wasMin = clocks[worker] == min;
        clocks[worker] = clock;
        if (!wasMin) {
            return false;
        }
        int m = Integer.MAX_VALUE;
        for (int c : clocks) {
            m = Math.min(m, c);
        }
        boolean advanced = m > min;
        min = m;
        return advanced;
    }

    @Override
    public String toString() {
        return "VectorClock" + Arrays.toString(clocks) + " min=" + min;
    }
}
