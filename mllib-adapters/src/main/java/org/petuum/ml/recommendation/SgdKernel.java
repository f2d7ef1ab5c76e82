package org.petuum.ml.recommendation;

import java.util.SplittableRandom;

/**
 * SGD steps of biased matrix factorisation on standardised ratings {@code z = (r - mean) / std}:
 * {@code ẑ(u, i) = b_u + b_i + U_u · V_i}. Working in standard units makes the step size and the regularisation
 * mean the same on every rating scale (Jester's -10..10, MovieLens' 1..5).
 *
 * <p>User factors and biases live here (a worker owns its users, so they never travel); an item row comes from
 * the item table as {@code rank + 1} doubles (factors, then the bias). A step changes the caller's copy of the
 * item row at once, so later ratings see earlier steps, and adds the same change to the row's delta for the table.
 * Factors are regularised at every visit, so a user or item with {@code n} ratings is regularised {@code n} times
 * per pass, as ALS's weighted-λ does; biases are regularised by a constant in all.
 *
 * <p>Not thread-safe: owned by one worker's task thread.
 */
final class SgdKernel {
    private final int rank;
    private final double[] userFactors;
    private final double[] userBias;

    /**
     * @param numUsers users this worker owns (local indices {@code 0..numUsers-1})
     * @param initStd  standard deviation of the initial user factors
     */
    SgdKernel(int numUsers, int rank, double initStd, long seed) {
        this.rank = rank;
        this.userFactors = new double[numUsers * rank];
        this.userBias = new double[numUsers];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k = 0; k < userFactors.length; k++) {
            userFactors[k] = initStd * gaussian(rng);
        }
    }

    /**
     * One step for rating {@code z} of local user {@code u} on the item whose row is {@code v}; adds the item's
     * change to {@code delta} scaled by {@code deltaScale}. {@code lambda} regularises the factors at every visit
     * (so in proportion to a user's or item's ratings, as ALS's weighted-λ); the bias terms take their own
     * regularisation per visit, which callers set to a constant over the count so that biases of users and items with
     * few ratings shrink towards zero (as a baseline predictor's do).
     *
     * @return the error before the step
     */
    double step(int u, double z, double[] v, double[] delta, double deltaScale, double eta, double lambda,
                double userBiasLambda, double itemBiasLambda) {
        int off = u * rank;
        double pred = userBias[u] + v[rank];
        for (int k = 0; k < rank; k++) {
            pred += userFactors[off + k] * v[k];
        }
        double e = z - pred;
        double bi = eta * (e - itemBiasLambda * v[rank]);
        userBias[u] += eta * (e - userBiasLambda * userBias[u]);
        v[rank] += bi;
        delta[rank] += bi * deltaScale;
        for (int k = 0; k < rank; k++) {
            double uk = userFactors[off + k];
            double vk = v[k];
            userFactors[off + k] += eta * (e * vk - lambda * uk);
            double dv = eta * (e * uk - lambda * vk);
            v[k] += dv;
            delta[k] += dv * deltaScale;
        }
        return e;
    }

    /** The standardised prediction for local user {@code u} and the item whose row is {@code v}. */
    double predict(int u, double[] v) {
        int off = u * rank;
        double pred = userBias[u] + v[rank];
        for (int k = 0; k < rank; k++) {
            pred += userFactors[off + k] * v[k];
        }
        return pred;
    }

    /** Local user {@code u}'s factors followed by its bias, as a new array of {@code rank + 1}. */
    double[] userRow(int u) {
        double[] out = new double[rank + 1];
        System.arraycopy(userFactors, u * rank, out, 0, rank);
        out[rank] = userBias[u];
        return out;
    }

    /**
     * Item {@code item}'s initial row (factors then a zero bias), a function of the seed and the id alone. The item
     * table holds each row's change from it, so no one writes initial rows (an untouched row is zero) and every
     * worker and the driver agree on them.
     */
    static double[] initialItemRow(long seed, int item, int rank, double initStd) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + item);
        double[] row = new double[rank + 1];
        for (int k = 0; k < rank; k++) {
            row[k] = initStd * gaussian(rng);
        }
        return row;
    }

    static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
