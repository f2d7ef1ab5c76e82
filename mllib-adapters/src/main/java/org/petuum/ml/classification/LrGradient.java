package org.petuum.ml.classification;

import java.util.Arrays;

/**
 * The logistic loss and its gradient over a mini-batch, in the scaled feature space and the flat layout of
 * {@link LrPlan}. Binomial ({@code sets == 1}): {@code log(1 + exp(-s m))} with {@code s = ±1}; multinomial: the
 * softmax cross-entropy over {@code sets} classes. Keeps its gradient buffer and the set of touched features between
 * batches so a sparse batch costs its non-zeros, not the model size. Not thread-safe: one per worker.
 */
final class LrGradient {
    private final LrPlan plan;
    private final int sets;
    /** The gradient of the last batch, model-sized. Cells of untouched features are zero. */
    final double[] grad;
    /** Features the last batch touched (the intercept excluded), in {@code touched[0 .. touchedCount)}. */
    final int[] touched;
    int touchedCount;
    private final boolean[] isTouched;
    private final double[] margins;
    /** Whether the last batch wrote every cell (a dense penalty), so clearing must too. */
    private boolean lastDense;

    LrGradient(LrPlan plan) {
        this.plan = plan;
        this.sets = plan.sets;
        this.grad = new double[(int) plan.cells()];
        this.touched = new int[plan.numFeatures];
        this.isTouched = new boolean[plan.numFeatures];
        this.margins = new double[sets];
    }

    /**
     * Computes the mean loss gradient (plus the L2 penalty's, on every feature when {@code denseRegulariser}, else on
     * the touched ones only) of examples {@code order[from .. to)} of {@code data} at weights {@code w}.
     *
     * @return the sum of the examples' losses (penalty excluded)
     */
    double compute(LrPartition data, int[] order, int from, int to, double[] w, boolean denseRegulariser) {
        clear();
        double loss = 0;
        int bias = plan.interceptOffset();
        boolean intercept = plan.fitIntercept;
        for (int b = from; b < to; b++) {
            int i = order[b];
            int s = data.start[i];
            int e = data.start[i + 1];
            for (int k = 0; k < sets; k++) {
                margins[k] = intercept ? w[bias + k] : 0.0;
            }
            for (int p = s; p < e; p++) {
                int base = data.index[p] * sets;
                double x = data.value[p];
                for (int k = 0; k < sets; k++) {
                    margins[k] += w[base + k] * x;
                }
            }
            int y = data.label[i];
            if (sets == 1) {
                double m = margins[0];
                // log(1 + exp(-m)) for y = 1, log(1 + exp(m)) for y = 0, without overflow.
                double signed = y == 1 ? -m : m;
                loss += signed > 0 ? signed + Math.log1p(Math.exp(-signed)) : Math.log1p(Math.exp(signed));
                margins[0] = 1.0 / (1.0 + Math.exp(-m)) - y;
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < sets; k++) {
                    max = Math.max(max, margins[k]);
                }
                double z = 0;
                for (int k = 0; k < sets; k++) {
                    z += Math.exp(margins[k] - max);
                }
                double logZ = max + Math.log(z);
                loss += logZ - margins[y];
                for (int k = 0; k < sets; k++) {
                    margins[k] = Math.exp(margins[k] - logZ) - (k == y ? 1 : 0);
                }
            }
            for (int p = s; p < e; p++) {
                int j = data.index[p];
                if (!isTouched[j]) {
                    isTouched[j] = true;
                    touched[touchedCount++] = j;
                }
                int base = j * sets;
                double x = data.value[p];
                for (int k = 0; k < sets; k++) {
                    grad[base + k] += margins[k] * x;
                }
            }
            if (intercept) {
                for (int k = 0; k < sets; k++) {
                    grad[bias + k] += margins[k];
                }
            }
        }
        lastDense = denseRegulariser;
        scale(1.0 / Math.max(1, to - from), denseRegulariser, w);
        return loss;
    }

    /** Divides the loss gradient by the batch size and adds the penalty's gradient. */
    private void scale(double inv, boolean denseRegulariser, double[] w) {
        double lambda = plan.regParam;
        double[] pw = plan.penaltyWeight;
        if (denseRegulariser) {
            int features = plan.numFeatures;
            for (int j = 0; j < features; j++) {
                int base = j * sets;
                double r = lambda * pw[j];
                for (int k = 0; k < sets; k++) {
                    grad[base + k] = grad[base + k] * inv + r * w[base + k];
                }
            }
        } else {
            for (int t = 0; t < touchedCount; t++) {
                int base = touched[t] * sets;
                double r = lambda * pw[touched[t]];
                for (int k = 0; k < sets; k++) {
                    grad[base + k] = grad[base + k] * inv + r * w[base + k];
                }
            }
        }
        if (plan.fitIntercept) {
            int bias = plan.interceptOffset();
            for (int k = 0; k < sets; k++) {
                grad[bias + k] *= inv;
            }
        }
    }

    /** The L2 penalty {@code regParam / 2 * sum_j weight_j * w_j²} at {@code w} (intercepts excluded). */
    double penalty(double[] w) {
        if (plan.regParam == 0) {
            return 0;
        }
        double sum = 0;
        for (int j = 0; j < plan.numFeatures; j++) {
            int base = j * sets;
            double s = 0;
            for (int k = 0; k < sets; k++) {
                s += w[base + k] * w[base + k];
            }
            sum += plan.penaltyWeight[j] * s;
        }
        return 0.5 * plan.regParam * sum;
    }

    private void clear() {
        if (lastDense || touchedCount * 4 > plan.numFeatures) {
            Arrays.fill(grad, 0.0);
            Arrays.fill(isTouched, false);
        } else {
            for (int t = 0; t < touchedCount; t++) {
                int base = touched[t] * sets;
                Arrays.fill(grad, base, base + sets, 0.0);
                isTouched[touched[t]] = false;
            }
            if (plan.fitIntercept) {
                Arrays.fill(grad, plan.interceptOffset(), plan.interceptOffset() + sets, 0.0);
            }
        }
        touchedCount = 0;
        lastDense = false;
    }
}
