package org.petuum.ml.classification;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * What one distributed pass over the training rows learns before any table exists: the row count, the feature
 * dimension, the examples per class, each feature's mean and variance (for standardisation), and the first bad
 * value met. Each partition summarises its own rows and only the summaries travel to the driver (their size is
 * the number of features, never the number of rows).
 *
 * <p>Rows are {@code (features VECTOR, label NUMERIC)}. A bad value is recorded, not thrown, so that the driver can
 * raise one clear {@link IllegalArgumentException} naming the column instead of a wrapped task failure.
 */
final class LrDataSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The largest class index accepted: the coefficients of every class live in the driver's memory at the end. */
    static final int MAX_CLASS = 1 << 16;

    long count;
    int numFeatures = -1;
    long[] classCounts = new long[0];
    double[] sum = new double[0];
    double[] sumSquares = new double[0];
    double[] maxAbs = new double[0];
    String error;

    /** Summarises {@code rows} ({@code features, label}), one summary per partition merged in a tree. */
    static LrDataSummary of(JavaRDD<Row> rows, String featuresCol, String labelCol) {
        return rows.mapPartitions((Iterator<Row> it) -> {
            LrDataSummary s = new LrDataSummary();
            while (it.hasNext() && s.error == null) {
                s.add(it.next(), featuresCol, labelCol);
            }
            return List.of(s).iterator();
        }).treeReduce(LrDataSummary::merge);
    }

    private void add(Row row, String featuresCol, String labelCol) {
        if (row.isNullAt(1)) {
            error = "labelCol: column '" + labelCol + "' holds null (expected: a class index 0, 1, 2, ...)";
            return;
        }
        double label = ((Number) row.get(1)).doubleValue();
        if (Double.isNaN(label) || Double.isInfinite(label) || label < 0 || label != Math.rint(label)
                || label > MAX_CLASS) {
            error = "labelCol: column '" + labelCol + "' holds " + label + " (expected: a class index 0, 1, 2, ... "
                    + "as a non-negative integer <= " + MAX_CLASS + ")";
            return;
        }
        if (row.isNullAt(0)) {
            error = "featuresCol: column '" + featuresCol + "' holds null (expected: a vector)";
            return;
        }
        Vector v = (Vector) row.get(0);
        if (numFeatures < 0) {
            grow(v.size());
        } else if (v.size() != numFeatures) {
            error = "featuresCol: column '" + featuresCol + "' holds vectors of sizes " + numFeatures + " and "
                    + v.size() + " (expected: one size)";
            return;
        }
        int y = (int) label;
        if (y >= classCounts.length) {
            classCounts = Arrays.copyOf(classCounts, y + 1);
        }
        if (v instanceof SparseVector sv) {
            int[] idx = sv.indices();
            double[] val = sv.values();
            for (int i = 0; i < idx.length; i++) {
                if (!accept(idx[i], val[i], featuresCol)) {
                    return;
                }
            }
        } else {
            double[] val = ((DenseVector) v).values();
            for (int j = 0; j < val.length; j++) {
                if (!accept(j, val[j], featuresCol)) {
                    return;
                }
            }
        }
        classCounts[y]++;
        count++;
    }

    private boolean accept(int j, double x, String featuresCol) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            error = "featuresCol: column '" + featuresCol + "' holds " + x + " at feature " + j
                    + " (expected: finite values)";
            return false;
        }
        sum[j] += x;
        sumSquares[j] += x * x;
        maxAbs[j] = Math.max(maxAbs[j], Math.abs(x));
        return true;
    }

    private void grow(int n) {
        numFeatures = n;
        sum = new double[n];
        sumSquares = new double[n];
        maxAbs = new double[n];
    }

    /** Adds {@code other} into this summary (the first error wins) and returns this. */
    LrDataSummary merge(LrDataSummary other) {
        if (error != null) {
            return this;
        }
        if (other.error != null) {
            error = other.error;
            return this;
        }
        if (other.numFeatures >= 0) {
            if (numFeatures < 0) {
                grow(other.numFeatures);
            } else if (numFeatures != other.numFeatures) {
                error = "featuresCol: vectors of sizes " + numFeatures + " and " + other.numFeatures
                        + " (expected: one size)";
                return this;
            }
            for (int j = 0; j < numFeatures; j++) {
                sum[j] += other.sum[j];
                sumSquares[j] += other.sumSquares[j];
                maxAbs[j] = Math.max(maxAbs[j], other.maxAbs[j]);
            }
        }
        if (other.classCounts.length > classCounts.length) {
            classCounts = Arrays.copyOf(classCounts, other.classCounts.length);
        }
        for (int k = 0; k < other.classCounts.length; k++) {
            classCounts[k] += other.classCounts[k];
        }
        count += other.count;
        return this;
    }

    /** The largest label seen plus one. */
    int numClassesSeen() {
        return classCounts.length;
    }

    /** The sample standard deviation of every feature (0 for a constant one, and for all with fewer than 2 rows). */
    double[] std() {
        double[] std = new double[numFeatures];
        if (count < 2) {
            return std;
        }
        for (int j = 0; j < numFeatures; j++) {
            double mean = sum[j] / count;
            double var = (sumSquares[j] - count * mean * mean) / (count - 1);
            std[j] = var > 0 ? Math.sqrt(var) : 0.0;
        }
        return std;
    }
}
