package org.petuum.bench.ssp;

import java.util.SplittableRandom;

/**
 * One SGD pass of biased matrix factorisation over one worker's ratings:
 * {@code r̂(u, i) = μ + b_u + b_i + U_u · V_i}.
 *
 * <p>User factors and biases live here (a worker owns its users, so they never travel); item factors and
 * biases come from the shared table as an array of {@code rank + 1} columns per item (the last is the bias).
 * The pass updates its copy of the item rows as it goes, so later ratings see earlier steps, and accumulates
 * the same steps in {@code itemDelta} for the table.
 *
 * <p>Not thread-safe: owned by one worker's task thread.
 */
public final class SgdKernel {
    private final int rank;
    private final double mean;
    private final double[] userFactors;
    private final double[] userBias;

    /**
     * @param numUsers the number of users this worker owns (local indices {@code 0..numUsers-1})
     * @param rank     factors per user and item
     * @param mean     the global mean rating μ
     * @param initStd  standard deviation of the initial user factors
     * @param seed     seed of the initial user factors
     */
    public SgdKernel(int numUsers, int rank, double mean, double initStd, long seed) {
        this.rank = rank;
        this.mean = mean;
        this.userFactors = new double[numUsers * rank];
        this.userBias = new double[numUsers];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k = 0; k < userFactors.length; k++) {
            userFactors[k] = initStd * gaussian(rng);
        }
    }

    /**
     * One SGD step for each rating in {@code order[from..to)}.
     *
     * @param users     local user index of each rating
     * @param items     item id of each rating
     * @param ratings   the ratings
     * @param order     the order to visit them in (a permutation of rating positions)
     * @param from      the first position of {@code order} to visit
     * @param to        one past the last position of {@code order} to visit
     * @param itemRows  the item rows as this worker sees them: updated in place
     * @param itemDelta where the steps taken on item rows accumulate ({@code null} rows are created on use)
     * @return the sum of squared errors before each step (the online training error)
     */
    public double pass(int[] users, int[] items, double[] ratings, int[] order, int from, int to,
                       double[][] itemRows, double[][] itemDelta, double learningRate, double lambda) {
        double sse = 0;
        for (int p = from; p < to; p++) {
            int n = order[p];
            int u = users[n];
            int i = items[n];
            double[] v = itemRows[i];
            double[] d = itemDelta[i];
            if (d == null) {
                d = new double[rank + 1];
                itemDelta[i] = d;
            }
            int off = u * rank;
            double pred = mean + userBias[u] + v[rank];
            for (int k = 0; k < rank; k++) {
                pred += userFactors[off + k] * v[k];
            }
            double e = ratings[n] - pred;
            sse += e * e;
            double bu = learningRate * (e - lambda * userBias[u]);
            double bi = learningRate * (e - lambda * v[rank]);
            userBias[u] += bu;
            v[rank] += bi;
            d[rank] += bi;
            for (int k = 0; k < rank; k++) {
                double uk = userFactors[off + k];
                double vk = v[k];
                userFactors[off + k] += learningRate * (e * vk - lambda * uk);
                double dv = learningRate * (e * uk - lambda * vk);
                v[k] += dv;
                d[k] += dv;
            }
        }
        return sse;
    }

    /** The squared error summed over ratings, with the current factors. */
    public double sse(int[] users, int[] items, double[] ratings, double[][] itemRows) {
        double sse = 0;
        for (int n = 0; n < ratings.length; n++) {
            double e = ratings[n] - predict(users[n], itemRows[items[n]]);
            sse += e * e;
        }
        return sse;
    }

    /** The predicted rating of local user {@code u} for the item whose row is {@code itemRow}. */
    public double predict(int u, double[] itemRow) {
        double pred = mean + userBias[u] + itemRow[rank];
        int off = u * rank;
        for (int k = 0; k < rank; k++) {
            pred += userFactors[off + k] * itemRow[k];
        }
        return pred;
    }

    /** Local user {@code u}'s factors followed by its bias, as a new array of {@code rank + 1}. */
    public double[] userRow(int u) {
        double[] out = new double[rank + 1];
        System.arraycopy(userFactors, u * rank, out, 0, rank);
        out[rank] = userBias[u];
        return out;
    }

    public int rank() {
        return rank;
    }

    static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
