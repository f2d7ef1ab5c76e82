package org.petuum.ml.clustering.internal;

import java.io.Serializable;

/**
 * Everything a k-means worker needs besides its partition: the settings, the tables and their layout, and the
 * points the driver drew for the initial centres (as positions within partitions; the driver knows only how many
 * points each partition holds). Shipped to every worker with the run.
 *
 * @param stats        the table of per-centre sums: row {@code c} holds the sum of the points assigned to centre
 *                     {@code c} (columns {@code [0, dim)}), their count (column {@code dim}) and their squared
 *                     distances to it (column {@code dim + 1})
 * @param candidates   the table the initial centres (or k-means|| candidates) are written to, one per row
 * @param control      the table of scalars: row 0 the convergence votes, in a ring of {@link #voteRing()} columns;
 *                     then per k-means|| step the summed cost and the workers' sample counts; last the weights
 *                     of the candidates
 * @param picks        {@code picks[j] = {partition, position}} of the j-th initial point drawn by the driver: all
 *                     {@code k} of them for random initialisation, the first centre for k-means||
 * @param candidateCap the most candidates one k-means|| step may add (more are dropped, with a warning)
 */
public record FitPlan(String stats, String candidates, String control, int k, int dim, int maxIter,
                      boolean parallelInit, int initSteps, long seed, double tol, int staleness, int workers,
                      long[][] picks, int candidateCap) implements Serializable {

    /** Columns of the vote ring: more than the {@code 2 * staleness + 1} clocks that workers can be apart. */
    public int voteRing() {
        return 2 * staleness + 3;
    }

    /** Rows of the candidates table. */
    public int candidateRows() {
        return parallelInit ? 1 + initSteps * candidateCap : k;
    }

    public int controlRows() {
        return 2 * initSteps + 2;
    }

    public int controlCols() {
        return Math.max(Math.max(voteRing(), workers), candidateRows());
    }

    int costRow(int step) {
        return 1 + 2 * step;
    }

    int sampleCountRow(int step) {
        return 2 + 2 * step;
    }

    int weightRow() {
        return 2 * initSteps + 1;
    }
}
