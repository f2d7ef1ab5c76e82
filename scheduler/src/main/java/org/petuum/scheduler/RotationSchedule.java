package org.petuum.scheduler;

/**
 * Static rotation of variable blocks across workers, the schedule of matrix factorisation and LDA: in round
 * {@code r}, worker {@code w} owns block {@code (w + r) mod blocks}. With at least as many blocks as workers no
 * two workers ever hold the same block in one round, and every worker visits every block once every
 * {@code blocks} rounds.
 *
 * <p>Immutable; thread-safe.
 */
public final class RotationSchedule {
    private final int workers;
    private final int blocks;

    /** @throws IllegalArgumentException unless {@code 1 <= workers <= blocks} */
    public RotationSchedule(int workers, int blocks) {
        if (workers < 1 || blocks < workers) {
            throw new IllegalArgumentException("workers : " + workers + ", blocks : " + blocks
                    + " (expected: 1 <= workers <= blocks)");
        }
        this.workers = workers;
        this.blocks = blocks;
    }

    public int workers() {
        return workers;
    }

    public int blocks() {
        return blocks;
    }

    /** The block that {@code worker} owns in {@code round} (any round >= 0). */
    public int blockOf(int worker, long round) {
        if (worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker : " + worker + " (expected: 0 <= worker < " + workers + ")");
        }
        if (round < 0) {
            throw new IllegalArgumentException("round : " + round + " (expected: >= 0)");
        }
        return (int) ((worker + round) % blocks);
    }

    /** Every worker's block in {@code round}: element {@code w} is worker {@code w}'s block. */
    public int[] assignment(long round) {
        int[] out = new int[workers];
        for (int w = 0; w < workers; w++) {
            out[w] = blockOf(w, round);
        }
        return out;
    }
}
