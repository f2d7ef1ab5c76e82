package org.petuum.bench.lasso;

import java.util.List;
import org.petuum.examples.data.RegressionData;
import org.petuum.ml.regression.ColumnBlock;
import org.petuum.ml.regression.LabeledRow;
import org.petuum.ml.regression.LassoMath;
import org.petuum.ml.regression.LocalLassoSolver;

/**
 * One data set of the benchmark with its lambda and the reference optimum {@code F*} that every system's objective
 * is measured against.
 *
 * @param name             short name for the tables
 * @param description      where the data came from
 * @param rows             the rows, as every system receives them
 * @param features         the number of features
 * @param block            the rows by column, for computing objectives
 * @param lambdaMax        the smallest lambda giving all zeros
 * @param lambda           the lambda of the benchmark
 * @param fStar            the objective of {@link LocalLassoSolver} run to a tight tolerance
 * @param referenceSupport the number of non-zero coefficients at the reference optimum
 * @param referenceSweeps  the reference solver's cyclic sweeps
 * @param referenceSeconds the reference solver's time (single thread, for information only)
 */
record LassoProblem(String name, String description, List<LabeledRow> rows, int features, ColumnBlock block,
                    double lambdaMax, double lambda, double fStar, int referenceSupport, int referenceSweeps,
                    double referenceSeconds) {

    /** Relative tolerance of the reference solve: no coordinate could lower F by more than this fraction. */
    static final double REFERENCE_TOLERANCE = 1e-13;

    /** Computes lambda as {@code lambdaRatio * lambdaMax} and solves for {@code F*}. */
    static LassoProblem prepare(String name, String description, RegressionData data, double lambdaRatio) {
        ColumnBlock block = ColumnBlock.of(data.rows(), data.features());
        double lambdaMax = LassoMath.lambdaMax(block);
        double lambda = lambdaRatio * lambdaMax;
        long start = System.nanoTime();
        LocalLassoSolver.Solution ref = LocalLassoSolver.solve(block, lambda, REFERENCE_TOLERANCE, 1_000_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        int support = 0;
        for (double b : ref.beta()) {
            support += b != 0 ? 1 : 0;
        }
        return new LassoProblem(name, description, data.rows(), data.features(), block, lambdaMax, lambda,
                ref.objective(), support, ref.sweeps(), seconds);
    }

    /** {@code (f - F*) / F*}. */
    double gap(double f) {
        return (f - fStar) / fStar;
    }

    /** The number of stored non-zero feature values. */
    long nonZeros() {
        long nnz = 0;
        for (LabeledRow r : rows) {
            nnz += r.indices().length;
        }
        return nnz;
    }

    /**
     * Columns that hold the same non-zero value in every row. Spark MLlib's {@code LinearRegression} without an
     * intercept gives such columns a zero coefficient (it divides by each column's standard deviation), so on data
     * that has them it solves a slightly different problem.
     */
    int constantNonZeroColumns() {
        int n = rows.size();
        int[] count = new int[features];
        double[] first = new double[features];
        boolean[] varies = new boolean[features];
        for (LabeledRow r : rows) {
            for (int k = 0; k < r.indices().length; k++) {
                int j = r.indices()[k];
                if (count[j]++ == 0) {
                    first[j] = r.values()[k];
                } else if (r.values()[k] != first[j]) {
                    varies[j] = true;
                }
            }
        }
        int constant = 0;
        for (int j = 0; j < features; j++) {
            constant += count[j] == n && !varies[j] ? 1 : 0;
        }
        return constant;
    }
}
