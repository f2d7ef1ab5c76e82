package org.petuum.ssp;

import java.util.Arrays;

/**
 * The clocks of a fixed set of workers, as one shard has seen them, and their minimum.
 * A worker's clock is the number of clocks it has completed.
 *
 * <p>A worker may also be <em>finished</em>: it sent its last updates and will send nothing more. Its clock
 * stays where it was ({@link #min()}, which decides checkpoints, still counts it there), but no read has to wait
 * for it any more: {@link #visibleMin()} leaves it out, since a row already holds everything it will ever send.
 *
 * <p>Not thread-safe: owned by its {@link ShardState}.
 */
public final class VectorClock {
    /** The most workers a run may have (a bound on what a request can make a shard allocate). */
    public static final int MAX_WORKERS = 1 << 16;

    private final int[] clocks;
    private final boolean[] finished;
    private int unfinished;
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
        this.finished = new boolean[workers];
        this.unfinished = workers;
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

    /**
     * The smallest clock of the workers that have not finished: every update of every clock below it has been
     * seen, and every update at all of the finished workers. When every worker has finished, the largest clock
     * (so it never goes down).
     */
    public int visibleMin() {
        if (unfinished == clocks.length) {
            return min;
        }
        int m = Integer.MAX_VALUE;
        int max = 0;
        for (int w = 0; w < clocks.length; w++) {
            if (!finished[w]) {
                m = Math.min(m, clocks[w]);
            }
            max = Math.max(max, clocks[w]);
        }
        return unfinished == 0 ? max : m;
    }

    /**
     * The smallest clock of the unfinished workers but {@code worker} ({@link Integer#MAX_VALUE} if there is none).
     */
    public int minExcluding(int worker) {
        int m = Integer.MAX_VALUE;
        for (int w = 0; w < clocks.length; w++) {
            if (w != worker && !finished[w]) {
                m = Math.min(m, clocks[w]);
            }
        }
        return m;
    }

    /** The lowest-numbered unfinished worker whose clock is the smallest of the unfinished ones (or 0). */
    public int slowestWorker() {
        int slowest = -1;
        for (int w = 0; w < clocks.length; w++) {
            if (!finished[w] && (slowest < 0 || clocks[w] < clocks[slowest])) {
                slowest = w;
            }
        }
        return Math.max(slowest, 0);
    }

    /**
     * The lowest-numbered unfinished worker but {@code worker} whose clock is {@link #minExcluding(int)}, or
     * {@code worker} itself if every other worker has finished.
     */
    public int slowestExcluding(int worker) {
        int min = minExcluding(worker);
        for (int w = 0; w < clocks.length; w++) {
            if (w != worker && !finished[w] && clocks[w] == min) {
                return w;
            }
        }
        return worker;
    }

    public boolean isFinished(int worker) {
        return finished[worker];
    }

    /**
     * Records that {@code worker} sent its last updates; its clock stays. Finishing twice is a no-op.
     *
     * @return whether {@link #visibleMin()} advanced
     */
    public boolean finish(int worker) {
        if (finished[worker]) {
            return false;
        }
        int before = visibleMin();
        finished[worker] = true;
        unfinished--;
        return visibleMin() > before;
    }

    /**
     * Sets {@code worker}'s clock to {@code clock}, which must be larger than its current clock.
     *
     * @return whether the minimum advanced
     */
    public boolean advance(int worker, int clock) {
        if (finished[worker]) {
            throw new IllegalArgumentException("worker " + worker + " has finished at clock " + clocks[worker]);
        }
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
        return "VectorClock" + Arrays.toString(clocks) + " min=" + min
                + (unfinished < clocks.length ? " finished=" + Arrays.toString(finished) : "");
    }
}
