package org.petuum.ml.regression;

import java.io.Serializable;
import org.petuum.scheduler.Rounds;

/**
 * The layout of the Lasso's rounds, shared by its scheduler and workers.
 *
 * <p>An assignment is {@code [command, candidates, updates, candidate ids (m), updated ids (m), their changes (m)]}:
 * every round first tells the workers the changes committed in the previous one, so they can update their residuals
 * {@code r = y - X beta}, then what to compute. Channel {@value #NARROW} carries
 * {@code [||r||^2, rows, sum(r), y . r, x_j . r for each candidate, x_a . x_b for each pair of candidates]}; channel
 * {@value #WIDE} one value per feature (squared column norms at set-up, {@code X^T r} in a full pass); channel
 * {@value #SUMS} the column sums, at set-up only (the scheduler centres with them when it fits an intercept).
 */
final class LassoProtocol implements Serializable {
    private static final long serialVersionUID = 1L;

    static final int SETUP = 1;
    static final int FULL = 2;
    static final int UPDATE = 3;
    static final int STOP = 4;

    static final int NARROW = 0;
    static final int WIDE = 1;
    static final int SUMS = 2;
    static final int HEADER = 3;
    static final int NARROW_HEADER = 4;

    final int features;
    final int candidates;
    final Rounds rounds;

    LassoProtocol(String name, int features, int candidates) {
        this.features = features;
        this.candidates = candidates;
        int m = candidates;
        this.rounds = new Rounds(name, HEADER + 3 * m, NARROW_HEADER + m + m * (m - 1) / 2, features, features);
    }
}
