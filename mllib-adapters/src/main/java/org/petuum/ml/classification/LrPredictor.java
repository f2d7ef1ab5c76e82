package org.petuum.ml.classification;

import java.io.Serializable;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * The prediction of a fitted model, on the original feature scale, in MLlib's conventions: binomial raw
 * predictions are {@code [-m, m]} and probabilities {@code [1 - σ(m), σ(m)]}; multinomial raw predictions are the
 * margins and probabilities their softmax; the prediction is the most probable class (binomial: {@code m > 0}).
 * Immutable; shipped inside the transform's functions.
 */
final class LrPredictor implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[][] coefficients;
    private final double[] intercepts;
    private final boolean multinomial;
    private final String featuresCol;

    LrPredictor(double[][] coefficients, double[] intercepts, boolean multinomial, String featuresCol) {
        this.coefficients = coefficients;
        this.intercepts = intercepts;
        this.multinomial = multinomial;
        this.featuresCol = featuresCol;
    }

    /** The margins {@code w_k · x + b_k}, one per coefficient set. */
    double[] margins(Vector x) {
        int d = coefficients[0].length;
        if (x.size() != d) {
            throw new IllegalArgumentException("featuresCol: column '" + featuresCol + "' holds a vector of size "
                    + x.size() + " (expected: " + d + ", the model's numFeatures)");
        }
        double[] m = intercepts.clone();
        for (int k = 0; k < m.length; k++) {
            double[] w = coefficients[k];
            double s = 0;
            if (x instanceof SparseVector sv) {
                int[] idx = sv.indices();
                double[] val = sv.values();
                for (int i = 0; i < idx.length; i++) {
                    s += w[idx[i]] * val[i];
                }
            } else {
                double[] val = ((DenseVector) x).values();
                for (int j = 0; j < val.length; j++) {
                    s += w[j] * val[j];
                }
            }
            m[k] += s;
        }
        return m;
    }

    Vector raw(Vector x) {
        if (x == null) {
            return null;
        }
        double[] m = margins(x);
        return multinomial ? Vectors.dense(m) : Vectors.dense(-m[0], m[0]);
    }

    Vector probability(Vector x) {
        if (x == null) {
            return null;
        }
        double[] m = margins(x);
        if (!multinomial) {
            double p = 1.0 / (1.0 + Math.exp(-m[0]));
            return Vectors.dense(1 - p, p);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : m) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (int k = 0; k < m.length; k++) {
            m[k] = Math.exp(m[k] - max);
            z += m[k];
        }
        for (int k = 0; k < m.length; k++) {
            m[k] /= z;
        }
        return Vectors.dense(m);
    }

    Double predict(Vector x) {
        if (x == null) {
            return null;
        }
        double[] m = margins(x);
        if (!multinomial) {
            return m[0] > 0 ? 1.0 : 0.0;
        }
        int best = 0;
        for (int k = 1; k < m.length; k++) {
            if (m[k] > m[best]) {
                best = k;
            }
        }
        return (double) best;
    }
}
