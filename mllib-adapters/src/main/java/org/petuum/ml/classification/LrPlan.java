package org.petuum.ml.classification;

import java.io.Serializable;

/**
 * Everything the workers of one fit need to know, fixed on the driver before the run: the table layout, the
 * scaling of the features, the objective and the step rule. Small (two arrays of the feature count), shipped
 * with the task.
 *
 * <p><b>Layout.</b> The coefficients of feature {@code j} for the {@code sets} classes ({@code 1} for binomial,
 * {@code K} for multinomial) are the cells {@code j * sets .. j * sets + sets - 1} of one flat array; the intercepts
 * follow as feature {@code numFeatures} when {@code fitIntercept}. The flat array is cut into table rows of
 * {@code rowCells} cells, so a row holds whole features of every class: a read of all rows rebuilds the array with
 * one copy per row, rows spread over every shard, and a sparse gradient touches only the rows of its features.
 */
final class LrPlan implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Cells per table row (rounded to whole features): big enough to keep requests few, small enough to spread. */
    static final int TARGET_ROW_CELLS = 16_384;

    final String modelTable;
    final String progressTable;
    final int numFeatures;
    final int sets;
    final boolean fitIntercept;
    final int rowCells;
    final int rows;
    /** The factor of every feature (1 / max|x_j|, 0 for constant ones): workers train on scaled features. */
    final double[] scale;
    /** Per-feature weight of the L2 penalty in the scaled space: (scale · std)² when standardising, else scale². */
    final double[] penaltyWeight;
    final double regParam;
    final LrOptimizer optimizer;
    final double stepSize;
    final int batchesPerPass;
    final int maxPasses;
    final double tol;
    final long seed;
    final long numExamples;

    LrPlan(String modelTable, String progressTable, int numFeatures, int sets, boolean fitIntercept,
           double[] scale, double[] penaltyWeight, double regParam, LrOptimizer optimizer, double stepSize,
           int batchesPerPass, int maxPasses, double tol, long seed, long numExamples) {
        this.modelTable = modelTable;
        this.progressTable = progressTable;
        this.numFeatures = numFeatures;
        this.sets = sets;
        this.fitIntercept = fitIntercept;
        this.scale = scale;
        this.penaltyWeight = penaltyWeight;
        this.regParam = regParam;
        this.optimizer = optimizer;
        this.stepSize = stepSize;
        this.batchesPerPass = batchesPerPass;
        this.maxPasses = maxPasses;
        this.tol = tol;
        this.seed = seed;
        this.numExamples = numExamples;
        int features = numFeatures + (fitIntercept ? 1 : 0);
        this.rowCells = Math.max(1, Math.min(features, TARGET_ROW_CELLS / sets)) * sets;
        this.rows = (int) ((cells() + rowCells - 1) / rowCells);
    }

    /** The number of model cells: (features + intercept) × sets. */
    long cells() {
        return (long) (numFeatures + (fitIntercept ? 1 : 0)) * sets;
    }

    /** The flat index of the first intercept cell (only meaningful with an intercept). */
    int interceptOffset() {
        return numFeatures * sets;
    }

    /** The clocks of the whole run: one per mini-batch. */
    int clocks() {
        return maxPasses * batchesPerPass;
    }

    /** Every table row's index, for one read of the whole model. */
    int[] allRows() {
        int[] r = new int[rows];
        for (int i = 0; i < rows; i++) {
            r[i] = i;
        }
        return r;
    }

    /** The flat model as the table's rows (the last row padded with zeros). */
    double[][] toRows(double[] flat) {
        double[][] out = new double[rows][rowCells];
        for (int r = 0; r < rows; r++) {
            int from = r * rowCells;
            System.arraycopy(flat, from, out[r], 0, Math.min(rowCells, flat.length - from));
        }
        return out;
    }

    /** Copies the table's rows into {@code flat}. */
    void fromRows(double[][] tableRows, double[] flat) {
        for (int r = 0; r < rows; r++) {
            int from = r * rowCells;
            System.arraycopy(tableRows[r], 0, flat, from, Math.min(rowCells, flat.length - from));
        }
    }
}
