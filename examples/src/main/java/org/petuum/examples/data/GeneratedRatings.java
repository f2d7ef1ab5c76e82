package org.petuum.examples.data;

import java.io.Serializable;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Low-rank ratings generated inside the executors, so that no rating ever exists in the driver:
 * {@code r(u, i) = 3 + b_u + b_i + U_u·V_i + noise}, with {@code U_u·V_i} of unit variance, biases of standard
 * deviation 0.3 (users) and 0.5 (items), and Gaussian noise of a known standard deviation, the best test RMSE any model
 * can reach. One Spark partition generates the ratings of a range of users (each user's factors are drawn once, from
 * the user's id); every item's factors are drawn from its id in every partition. Each rating goes to the test set with
 * probability {@code testFraction}. Deterministic for a seed and partition count; never cached, so each Spark job over
 * it generates again. Used by {@code petuum mf} (no {@code --input}) and {@code bench mf-scale}.
 *
 * @param numRatings   about how many ratings: each user rates {@code numRatings / users} items drawn at random with
 *                     replacement, so a user may now and then rate an item twice (with fresh noise)
 * @param partitions   Spark partitions, each generating the ratings of a range of users
 */
public record GeneratedRatings(long numRatings, int users, int items, int rank, double noise, double testFraction, long seed,
                        int partitions) implements Serializable {
    /** {@code user INT, item INT, rating DOUBLE, test BOOLEAN}. */
    public static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("rating", DataTypes.DoubleType, false)
            .add("test", DataTypes.BooleanType, false);

    /** A shape for about {@code n} ratings: 100 ratings per user, 2,000 per item on average. */
    public static GeneratedRatings ofSize(long n, int rank, double noise, double testFraction, long seed, int partitions) {
        int users = (int) Math.max(100, n / 100);
        int items = (int) Math.max(50, n / 2000);
        return new GeneratedRatings(n, users, items, rank, noise, testFraction, seed, partitions);
    }

    /**
     * A shape given by its users and items: each user rates {@code max(1, round(items * density))} items.
     *
     * @throws IllegalArgumentException if a count is below 1, {@code density} is outside {@code (0, 1]} or
     *     {@code noise} is negative or not finite
     */
    public static GeneratedRatings of(int users, int items, int rank, double density, double noise,
                                      double testFraction, long seed, int partitions) {
        if (users < 1 || items < 1 || rank < 1 || partitions < 1) {
            throw new IllegalArgumentException("users, items, rank, partitions : " + users + ", " + items + ", " + rank
                    + ", " + partitions + " (expected: >= 1 each)");
        }
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density : " + density + " (expected: 0 < density <= 1)");
        }
        if (!(noise >= 0 && Double.isFinite(noise))) {
            throw new IllegalArgumentException("noise : " + noise + " (expected: finite and >= 0)");
        }
        long perUser = Math.max(1, Math.round(items * density));
        return new GeneratedRatings(perUser * users, users, items, rank, noise, testFraction, seed, partitions);
    }

    /** Every rating, with a {@code test} flag; generated in the tasks of the jobs that read it. */
    public Dataset<Row> all(SparkSession spark) {
        GeneratedRatings g = this;
        JavaRDD<Row> rows = spark.range(0, users, 1, partitions).javaRDD()
                .mapPartitions(ids -> g.generate(ids));
        return spark.createDataFrame(rows, SCHEMA);
    }

    private Iterator<Row> generate(Iterator<Long> userIds) {
        double[][] itemFactors = new double[items][];
        double[] itemBias = new double[items];
        for (int i = 0; i < items; i++) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + 2L * i + 1);
            itemFactors[i] = factors(r);
            itemBias[i] = 0.5 * gaussian(r);
        }
        long perUser = Math.max(1, numRatings / users);
        // Lazily, one user at a time: a partition's ratings never sit in memory together.
        return new Iterator<>() {
            private SplittableRandom r;
            private int u;
            private double[] uf;
            private double ub;
            private long left;

            @Override
            public boolean hasNext() {
                while (left == 0) {
                    if (!userIds.hasNext()) {
                        return false;
                    }
                    u = userIds.next().intValue();
                    r = new SplittableRandom(seed * 1_000_003L + 2L * u + 2_000_000_000L);
                    uf = factors(r);
                    ub = 0.3 * gaussian(r);
                    left = perUser;
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                left--;
                int i = r.nextInt(items);
                double rating = 3 + ub + itemBias[i] + noise * gaussian(r);
                for (int j = 0; j < rank; j++) {
                    rating += uf[j] * itemFactors[i][j];
                }
                return RowFactory.create(u, i, rating, r.nextDouble() < testFraction);
            }
        };
    }

    /** Factors whose dot product with another such vector has unit variance. */
    private double[] factors(SplittableRandom r) {
        double scale = Math.pow(rank, -0.25);
        double[] f = new double[rank];
        for (int j = 0; j < rank; j++) {
            f[j] = scale * gaussian(r);
        }
        return f;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
