package org.petuum.bench.straggler;

import java.util.SplittableRandom;

/**
 * One worker's share of a generated logistic-regression problem, made where the worker runs: features
 * {@code N(0, 1)}, labels drawn from {@code Bernoulli(sigmoid(x · w*))} with a true model {@code w*} that every
 * worker derives from the same seed ({@code N(0, 1) · scale / sqrt(d)}, so that margins have standard deviation
 * {@code scale}). Deterministic for (seed, worker, sizes). Features are stored as floats, row after row, to halve
 * the memory; arithmetic is in doubles.
 *
 * @param features {@code rows × dim} features, row-major
 * @param labels   0 or 1 per row
 * @param dim      features per row
 */
record GeneratedRows(float[] features, byte[] labels, int dim) {

    int rows() {
        return labels.length;
    }

    /** The true model of problem {@code seed}. */
    static double[] trueModel(long seed, int dim, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = new double[dim];
        for (int j = 0; j < dim; j++) {
            w[j] = rng.nextGaussian() * scale / Math.sqrt(dim);
        }
        return w;
    }

    /**
     * Rows {@code part} of problem {@code seed} (a worker's training rows and its held-out rows are different parts).
     */
    static GeneratedRows generate(long seed, long part, int rows, int dim, double scale) {
        double[] w = trueModel(seed, dim, scale);
        SplittableRandom rng = new SplittableRandom(seed ^ (0xD1B54A32D192ED03L * (part + 1)));
        float[] x = new float[rows * dim];
        byte[] y = new byte[rows];
        for (int i = 0; i < rows; i++) {
            double margin = 0;
            int base = i * dim;
            for (int j = 0; j < dim; j++) {
                float v = (float) rng.nextGaussian();
                x[base + j] = v;
                margin += v * w[j];
            }
            y[i] = (byte) (rng.nextDouble() < sigmoid(margin) ? 1 : 0);
        }
        return new GeneratedRows(x, y, dim);
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** The sum over all rows of the log loss of model {@code w}. */
    double logLossSum(double[] w) {
        double sum = 0;
        for (int i = 0; i < rows(); i++) {
            double z = dot(i, w);
            // log(1 + e^z) - y z, computed without overflow.
            sum += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - labels[i] * z;
        }
        return sum;
    }

    /**
     * Plain SGD on rows {@code order[from..to)}: {@code w -= step · (sigmoid(x · w) - y) x}, in place. Returns the
     * number of rows visited.
     */
    int sgd(int[] order, int from, int to, double[] w, double step) {
        for (int k = from; k < to; k++) {
            int i = order[k];
            double g = step * (sigmoid(dot(i, w)) - labels[i]);
            int base = i * dim;
            for (int j = 0; j < dim; j++) {
                w[j] -= g * features[base + j];
            }
        }
        return to - from;
    }

    private double dot(int i, double[] w) {
        int base = i * dim;
        double z = 0;
        for (int j = 0; j < dim; j++) {
            z += features[base + j] * w[j];
        }
        return z;
    }
}
