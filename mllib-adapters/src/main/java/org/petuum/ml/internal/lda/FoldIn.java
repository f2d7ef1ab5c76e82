package org.petuum.ml.internal.lda;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A document's topic proportions with the topics held fixed ("folding in"), by the fixed-point iteration
 * {@code θ_t ← (α + Σ_w c_w θ_t φ_tw / Σ_u θ_u φ_uw) / (N + Kα)}: the expected topic counts of the document's
 * tokens under the current θ, smoothed by the document concentration, as in the posterior mean of θ. Deterministic
 * (no sampling), so a saved and loaded model transforms a document to exactly the same vector, and the same
 * procedure serves every model in {@code DocumentCompletion}.
 *
 * <p>Immutable and thread-safe; serialized to the executors with the model.
 */
public final class FoldIn implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Iterations of the fixed point; the proportions change by less than 1e-4 long before this on real text. */
    public static final int ITERATIONS = 50;

    private final int k;
    private final int vocabSize;
    private final double alpha;
    /** φ by word: {@code phi[w * k + t]}, each topic's distribution over words. */
    private final double[] phi;

    /**
     * @param topicWord {@code k × vocabSize} non-negative weights; each topic (row) is normalised to sum to one
     */
    public FoldIn(double[][] topicWord, double alpha) {
        this.k = topicWord.length;
        this.vocabSize = topicWord[0].length;
        this.alpha = alpha;
        this.phi = new double[k * vocabSize];
        for (int t = 0; t < k; t++) {
            double sum = 0;
            for (double x : topicWord[t]) {
                sum += x;
            }
            if (!(sum > 0) || Double.isInfinite(sum)) {
                throw new IllegalArgumentException("topic " + t + " has total weight " + sum
                        + " (expected: finite and > 0)");
            }
            for (int w = 0; w < vocabSize; w++) {
                phi[w * k + t] = topicWord[t][w] / sum;
            }
        }
    }

    public int k() {
        return k;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** The proportions of a document of {@code words[i]} occurring {@code counts[i]} times (uniform if empty). */
    public double[] theta(int[] words, double[] counts) {
        double[] theta = new double[k];
        Arrays.fill(theta, 1.0 / k);
        double n = 0;
        for (double c : counts) {
            n += c;
        }
        if (n == 0) {
            return theta;
        }
        double[] acc = new double[k];
        for (int it = 0; it < ITERATIONS; it++) {
            Arrays.fill(acc, 0);
            for (int i = 0; i < words.length; i++) {
                int base = words[i] * k;
                double norm = 0;
                for (int t = 0; t < k; t++) {
                    norm += theta[t] * phi[base + t];
                }
                if (norm <= 0) {
                    continue;
                }
                double scale = counts[i] / norm;
                for (int t = 0; t < k; t++) {
                    acc[t] += theta[t] * phi[base + t] * scale;
                }
            }
            double denom = n + k * alpha;
            for (int t = 0; t < k; t++) {
                theta[t] = (acc[t] + alpha) / denom;
            }
        }
        return theta;
    }

    /** {@code Σ_i counts[i] log Σ_t θ_t φ_t,words[i]}: the log-probability of the tokens given θ. */
    public double logLikelihood(int[] words, double[] counts, double[] theta) {
        double ll = 0;
        for (int i = 0; i < words.length; i++) {
            int base = words[i] * k;
            double p = 0;
            for (int t = 0; t < k; t++) {
                p += theta[t] * phi[base + t];
            }
            ll += counts[i] * Math.log(p);
        }
        return ll;
    }
}
