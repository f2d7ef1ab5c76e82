package org.petuum.bench.lr;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The mean log loss of a linear classifier on a data set, computed in the executors with one function for both
 * systems' models, so their objectives compare exactly (no penalty: the benchmark fits with {@code regParam 0},
 * MLlib's default). Binomial models have one coefficient row (class 1 against 0), multinomial ones one per class.
 */
final class LrObjective implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[][] w;
    private final double[] b;

    LrObjective(Matrix coefficients, Vector intercepts) {
        this.w = new double[coefficients.numRows()][coefficients.numCols()];
        for (int k = 0; k < w.length; k++) {
            for (int j = 0; j < w[k].length; j++) {
                w[k][j] = coefficients.apply(k, j);
            }
        }
        this.b = intercepts.toArray();
    }

    /** The mean log loss over {@code data} ({@code label}, {@code features}). */
    double meanLoss(Dataset<Row> data) {
        double[] sumAndCount = data.select("features", "label").toJavaRDD().mapPartitions((Iterator<Row> it) -> {
            double s = 0;
            long n = 0;
            while (it.hasNext()) {
                Row r = it.next();
                s += loss((Vector) r.get(0), (int) r.getDouble(1));
                n++;
            }
            return List.of(new double[] {s, n}).iterator();
        }).reduce((x, y) -> new double[] {x[0] + y[0], x[1] + y[1]});
        return sumAndCount[0] / sumAndCount[1];
    }

    private double loss(Vector x, int y) {
        double[] m = b.clone();
        for (int k = 0; k < m.length; k++) {
            double[] wk = w[k];
            if (x instanceof SparseVector sv) {
                int[] idx = sv.indices();
                double[] val = sv.values();
                for (int i = 0; i < idx.length; i++) {
                    m[k] += wk[idx[i]] * val[i];
                }
            } else {
                double[] val = x.toArray();
                for (int j = 0; j < val.length; j++) {
                    m[k] += wk[j] * val[j];
                }
            }
        }
        if (m.length == 1) {
            double signed = y == 1 ? -m[0] : m[0];
            return signed > 0 ? signed + Math.log1p(Math.exp(-signed)) : Math.log1p(Math.exp(signed));
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : m) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (double v : m) {
            z += Math.exp(v - max);
        }
        return max + Math.log(z) - m[y];
    }
}
