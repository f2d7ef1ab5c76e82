package org.petuum.ml.recommendation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Ratings for the tests: real files of the shared data folder, and generated low-rank data. */
final class Ratings {
    static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("rating", DataTypes.DoubleType, false);

    private Ratings() {
    }

    /** A file of {@code user item rating [...]} lines, separated by tabs, commas, spaces or {@code ::}. */
    static Dataset<Row> read(SparkSession spark, Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("::|[\\t, ]+");
            rows.add(RowFactory.create(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2])));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    /**
     * Ratings {@code mean + b_u + b_i + U_u·V_i + noise} of {@code users × items} at {@code density}, with popular
     * items and active users (weights falling as a power of their rank), optionally rounded and clipped to
     * {@code lo..hi} stars as MovieLens' ratings are.
     */
    static Dataset<Row> generated(SparkSession spark, int users, int items, int rank, int count, double mean,
                                  double scale, double noise, boolean stars, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] u = new double[users][rank];
        double[][] v = new double[items][rank];
        double[] bu = new double[users];
        double[] bi = new double[items];
        double f = scale / Math.sqrt(rank);
        for (int n = 0; n < users; n++) {
            bu[n] = 0.4 * scale * SgdKernel.gaussian(rng);
            for (int k = 0; k < rank; k++) {
                u[n][k] = f * SgdKernel.gaussian(rng);
            }
        }
        for (int n = 0; n < items; n++) {
            bi[n] = 0.5 * scale * SgdKernel.gaussian(rng);
            for (int k = 0; k < rank; k++) {
                v[n][k] = SgdKernel.gaussian(rng);
            }
        }
        double[] userCdf = powerCdf(users, 0.7);
        double[] itemCdf = powerCdf(items, 0.9);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        List<Row> rows = new ArrayList<>(count);
        while (rows.size() < count) {
            int a = draw(userCdf, rng);
            int b = draw(itemCdf, rng);
            if (!seen.add((long) a * items + b)) {
                continue;
            }
            double r = mean + bu[a] + bi[b] + noise * SgdKernel.gaussian(rng);
            for (int k = 0; k < rank; k++) {
                r += u[a][k] * v[b][k];
            }
            if (stars) {
                r = Math.max(1, Math.min(5, Math.rint(r)));
            }
            rows.add(RowFactory.create(a, b, r));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    private static double[] powerCdf(int n, double exponent) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.pow(i + 1, -exponent);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int draw(double[] cdf, SplittableRandom rng) {
        int i = java.util.Arrays.binarySearch(cdf, rng.nextDouble());
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }
}
