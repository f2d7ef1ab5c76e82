package org.petuum.ml.regression;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The training rows of a {@link Lasso} fit, read from the caller's {@code Dataset} where they lie: one Spark job
 * checks them (finite, non-null, vectors of one size, at least one row) and returns only counts, and the rows reach
 * the workers through the Dataset's own partitions. Nothing of the data passes through the driver.
 */
final class LassoInput {
    /** What the check found: the number of rows, of features and of stored (sparse) or all (dense) values. */
    record Facts(long rows, int features, long nonZeros) {
    }

    private LassoInput() {
    }

    /** The rows as the workers read them ({@code label}, then the features as a sparse row). */
    static JavaRDD<LabeledRow> rows(Dataset<?> data, String featuresCol, String labelCol) {
        return select(data, featuresCol, labelCol).map(r -> {
            Vector v = (Vector) r.get(0);
            double label = r.getDouble(1);
            if (v instanceof SparseVector s) {
                return new LabeledRow(label, s.indices().clone(), s.values().clone());
            }
            return LabeledRow.dense(label, ((DenseVector) v).values());
        });
    }

    /**
     * Checks every row in one Spark job.
     *
     * @throws IllegalArgumentException naming the column and the value if a label or feature is null, NaN or
     *     infinite, or if the vectors differ in size, or if there are no rows
     */
    static Facts check(Dataset<?> data, String featuresCol, String labelCol) {
        Stats s = select(data, featuresCol, labelCol).aggregate(new Stats(),
                (acc, row) -> acc.add(row, featuresCol, labelCol), Stats::merge);
        if (s.problem != null) {
            throw new IllegalArgumentException(s.problem);
        }
        if (s.rows == 0) {
            throw new IllegalArgumentException("the dataset is empty (expected: at least one row)");
        }
        if (s.minSize != s.maxSize) {
            throw new IllegalArgumentException("featuresCol: column '" + featuresCol + "' holds vectors of sizes "
                    + s.minSize + " to " + s.maxSize + " (expected: one size)");
        }
        if (s.maxSize < 1) {
            throw new IllegalArgumentException("featuresCol: column '" + featuresCol
                    + "' holds empty vectors (expected: at least one feature)");
        }
        return new Facts(s.rows, s.maxSize, s.nonZeros);
    }

    /**
     * {@code max_j |x_j . (y - mean(y))| / n} over the non-constant columns (or {@code max_j |x_j . y| / n} without
     * an intercept): the smallest L1 weight that keeps every coefficient at zero. One Spark job; only the sums
     * (one value per feature) come to the driver.
     */
    static double lambdaMax(Dataset<?> data, String featuresCol, String labelCol, int features, boolean intercept) {
        double[] zero = new double[2 * features + 2];
        double[] s = rows(data, featuresCol, labelCol).aggregate(zero, (acc, r) -> {
            // acc = [x_j . y (features), sum x_j (features), sum y, n]
            for (int k = 0; k < r.indices().length; k++) {
                acc[r.indices()[k]] += r.values()[k] * r.label();
                acc[features + r.indices()[k]] += r.values()[k];
            }
            acc[2 * features] += r.label();
            acc[2 * features + 1] += 1;
            return acc;
        }, (a, b) -> {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
            return a;
        });
        double n = s[2 * features + 1];
        double yMean = intercept ? s[2 * features] / n : 0;
        double max = 0;
        for (int j = 0; j < features; j++) {
            max = Math.max(max, Math.abs(s[j] - yMean * s[features + j]) / n);
        }
        return max;
    }

    private static JavaRDD<Row> select(Dataset<?> data, String featuresCol, String labelCol) {
        return data.select(data.col(featuresCol), data.col(labelCol).cast(DataTypes.DoubleType)).toJavaRDD();
    }

    /** Counts and the first problem found; merged across partitions. */
    private static final class Stats implements Serializable {
        private static final long serialVersionUID = 1L;
        long rows;
        long nonZeros;
        int minSize = Integer.MAX_VALUE;
        int maxSize = -1;
        String problem;

        Stats add(Row row, String featuresCol, String labelCol) {
            rows++;
            if (problem != null) {
                return this;
            }
            if (row.isNullAt(1)) {
                problem = "labelCol: column '" + labelCol + "' holds a null (expected: finite values)";
                return this;
            }
            double label = row.getDouble(1);
            if (!Double.isFinite(label)) {
                problem = "labelCol: column '" + labelCol + "' holds " + label + " (expected: finite values)";
                return this;
            }
            if (row.isNullAt(0)) {
                problem = "featuresCol: column '" + featuresCol + "' holds a null (expected: a vector)";
                return this;
            }
            Vector v = (Vector) row.get(0);
            minSize = Math.min(minSize, v.size());
            maxSize = Math.max(maxSize, v.size());
            double[] values = v instanceof SparseVector s ? s.values() : v.toArray();
            nonZeros += values.length;
            for (int k = 0; k < values.length; k++) {
                if (!Double.isFinite(values[k])) {
                    int index = v instanceof SparseVector s ? s.indices()[k] : k;
                    problem = "featuresCol: column '" + featuresCol + "' holds " + values[k] + " at index " + index
                            + " (expected: finite values)";
                    break;
                }
            }
            return this;
        }

        Stats merge(Stats o) {
            rows += o.rows;
            nonZeros += o.nonZeros;
            minSize = Math.min(minSize, o.minSize);
            maxSize = Math.max(maxSize, o.maxSize);
            if (problem == null) {
                problem = o.problem;
            }
            return this;
        }
    }
}
