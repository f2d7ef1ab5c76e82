package org.petuum.ml.internal.lda;

import java.io.Serializable;
import org.petuum.scheduler.Rounds;

/**
 * Everything a fit's workers and its driver share: the hyperparameters, the row layout, the names of the tables
 * and, under rotation, the round protocol. Serialized into the workers' closure.
 */
public final class LdaSetup implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Commands of the rotation's assignment row (element 0). */
    static final int SETUP = 1;
    static final int SAMPLE = 2;
    static final int STOP = 3;
    /** Assignment: command, pass, last round of the pass (0/1), then one block per worker. */
    static final int HEADER = 3;
    /**
     * Per-round statistics pushed by every worker: tokens sampled, log-likelihood, doc-topic count sum, tokens held,
     * nanoseconds of the worker thread's CPU time spent sampling.
     */
    static final int STATS = 5;

    final int k;
    final double alpha;
    final double beta;
    final int passes;
    final long seed;
    final int workers;
    final boolean rotation;
    final WordBlocks blocks;
    final String wordTable;
    final String totalsTable;
    final String statsTable;
    final Rounds rounds;

    /**
     * @param name a prefix for the fit's tables, unique among the tables that exist during the fit
     */
    public LdaSetup(String name, int k, double alpha, double beta, int passes, long seed, int workers,
                    boolean rotation, WordBlocks blocks) {
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.passes = passes;
        this.seed = seed;
        this.workers = workers;
        this.rotation = rotation;
        this.blocks = blocks;
        this.wordTable = name + ".word-topic";
        this.totalsTable = name + ".topic-totals";
        this.statsTable = name + ".stats";
        this.rounds = rotation ? new Rounds(name, HEADER + workers, STATS) : null;
    }

    public WordBlocks blocks() {
        return blocks;
    }

    public String wordTable() {
        return wordTable;
    }

    public String totalsTable() {
        return totalsTable;
    }
}
