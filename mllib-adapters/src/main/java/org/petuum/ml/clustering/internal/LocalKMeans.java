package org.petuum.ml.clustering.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The last step of k-means||: k centres chosen from a few weighted candidates by k-means++ and refined by weighted
 * Lloyd iterations, all in memory (the candidates number about {@code 2k} per round). Deterministic for a given
 * seed and input, so every worker that runs it on the same candidates gets the same centres.
 */
public final class LocalKMeans {
    private LocalKMeans() {
    }

    /**
     * Up to {@code k} centres for {@code points} weighted by {@code weights}: all the distinct points with a
     * positive weight when there are at most {@code k} of them, else k-means++ seeding followed by at most
     * {@code maxIterations} weighted Lloyd iterations.
     */
    public static double[][] centres(double[][] points, double[] weights, int k, long seed, int maxIterations) {
        List<double[]> distinct = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        outer:
        for (int i = 0; i < points.length; i++) {
            if (weights[i] <= 0) {
                continue;
            }
            for (int j = 0; j < distinct.size(); j++) {
                if (Arrays.equals(distinct.get(j), points[i])) {
                    w.set(j, w.get(j) + weights[i]);
                    continue outer;
                }
            }
            distinct.add(points[i]);
            w.add(weights[i]);
        }
        if (distinct.size() <= k) {
            return distinct.stream().map(double[]::clone).toArray(double[][]::new);
        }
        double[][] p = distinct.toArray(new double[0][]);
        double[] pw = w.stream().mapToDouble(Double::doubleValue).toArray();
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] centres = new double[k][];
        centres[0] = p[pick(rnd, pw, null)].clone();
        double[] cost = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            cost[i] = squaredDistance(p[i], centres[0]);
        }
        for (int c = 1; c < k; c++) {
            centres[c] = p[pick(rnd, pw, cost)].clone();
            for (int i = 0; i < p.length; i++) {
                cost[i] = Math.min(cost[i], squaredDistance(p[i], centres[c]));
            }
        }
        int dim = p[0].length;
        int[] owner = new int[p.length];
        Arrays.fill(owner, -1);
        for (int it = 0; it < maxIterations; it++) {
            boolean moved = false;
            Centres current = new Centres(centres);
            for (int i = 0; i < p.length; i++) {
                int best = current.nearest(p[i]);
                if (best != owner[i]) {
                    owner[i] = best;
                    moved = true;
                }
            }
            if (!moved) {
                break;
            }
            double[][] sums = new double[k][dim];
            double[] counts = new double[k];
            for (int i = 0; i < p.length; i++) {
                counts[owner[i]] += pw[i];
                for (int j = 0; j < dim; j++) {
                    sums[owner[i]][j] += pw[i] * p[i][j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    for (int j = 0; j < dim; j++) {
                        sums[c][j] /= counts[c];
                    }
                    centres[c] = sums[c];
                } else {
                    // An empty cluster restarts from a random candidate, as MLlib's local k-means does.
                    centres[c] = p[rnd.nextInt(p.length)].clone();
                }
            }
        }
        return centres;
    }

    /** An index drawn with probability proportional to {@code weights[i] * cost[i]} (or to the weight alone). */
    private static int pick(SplittableRandom rnd, double[] weights, double[] cost) {
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            total += weights[i] * (cost == null ? 1 : cost[i]);
        }
        double r = rnd.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i] * (cost == null ? 1 : cost[i]);
            if (acc >= r && weights[i] * (cost == null ? 1 : cost[i]) > 0) {
                return i;
            }
        }
        // Rounding left r above the last partial sum: take the last point that can be drawn.
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] * (cost == null ? 1 : cost[i]) > 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double d = a[j] - b[j];
            s += d * d;
        }
        return s;
    }
}
