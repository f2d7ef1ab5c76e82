package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ssp.TableSpec;
import org.petuum.ssp.UpdateRule;

/**
 * Tables with a server-side optimizer in Spark local mode: workers push least-squares gradients and the shard
 * steps the weights with AdaGrad.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OptimizerTableTest {
    private static final int FEATURES = 6;
    private static final double LEARNING_RATE = 0.3;
    private static final double EPSILON = 1e-8;

    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("OptimizerTableTest")
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config(PsConf.READ_TIMEOUT, "10s")
                .config(PsConf.MAX_RUN_ATTEMPTS, "1")
                .getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps = PsContext.get(spark);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void leastSquaresWithAnAdaGradTableConvergesWithTwoWorkers() {
        List<double[]> points = problem(200, 11);
        ps.createTable(TableSpec.dense("adagrad-2", 1, FEATURES).staleness(1)
                .updateRule(UpdateRule.adaGrad(LEARNING_RATE, EPSILON)));
        ps.run(jsc.parallelize(points, 2), 100, (worker, part, clock) -> {
            PsTable w = worker.table("adagrad-2");
            w.inc(0, gradient(part, w.get(0)));
        });
        double[] learned = ps.readDense("adagrad-2")[0];
        ps.dropTable("adagrad-2");

        double before = loss(points, new double[FEATURES]);
        double after = loss(points, learned);
        assertTrue(after < before / 1e4, "loss went from " + before + " to " + after);
    }

    @Test
    void oneWorkersRunEqualsALocalAdaGradOnTheSameGradientSequence() {
        List<double[]> points = problem(150, 12);
        int clocks = 60;
        ps.createTable(TableSpec.dense("adagrad-1", 1, FEATURES)
                .updateRule(UpdateRule.adaGrad(LEARNING_RATE, EPSILON)));
        ps.run(jsc.parallelize(points, 1), clocks, (worker, part, clock) -> {
            PsTable w = worker.table("adagrad-1");
            double[] read = w.get(0);
            w.inc(0, gradient(part, read));
            // The gradient is applied by the shard's step at the end of the clock, not added to reads before it.
            if (!java.util.Arrays.equals(read, w.get(0))) {
                throw new AssertionError("a read holds the unsent gradient: " + java.util.Arrays.toString(w.get(0)));
            }
        });
        double[] learned = ps.readDense("adagrad-1")[0];
        ps.dropTable("adagrad-1");

        double[] w = new double[FEATURES];
        double[] sumOfSquares = new double[FEATURES];
        for (int k = 0; k < clocks; k++) {
            double[] g = gradient(points, w);
            for (int c = 0; c < FEATURES; c++) {
                sumOfSquares[c] += g[c] * g[c];
                w[c] -= LEARNING_RATE * g[c] / (Math.sqrt(sumOfSquares[c]) + EPSILON);
            }
        }
        for (int c = 0; c < FEATURES; c++) {
            assertEquals(w[c], learned[c], 1e-12 * Math.abs(w[c]), "weight " + c);
        }
        assertTrue(loss(points, learned) < loss(points, new double[FEATURES]) / 100, "the local run converges too");
    }

    /** {@code n} points {@code (x, y)} with {@code y = x · w*} exactly, as arrays of features then label. */
    private static List<double[]> problem(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] truth = rng.doubles(FEATURES, -2, 2).toArray();
        List<double[]> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] p = new double[FEATURES + 1];
            for (int c = 0; c < FEATURES; c++) {
                p[c] = rng.nextDouble(-1, 1);
                p[FEATURES] += p[c] * truth[c];
            }
            points.add(p);
        }
        return points;
    }

    /** The gradient of {@link #loss} over {@code points} at {@code w}. */
    private static double[] gradient(List<double[]> points, double[] w) {
        double[] g = new double[FEATURES];
        for (double[] p : points) {
            double r = residual(p, w);
            for (int c = 0; c < FEATURES; c++) {
                g[c] += r * p[c] / points.size();
            }
        }
        return g;
    }

    /** Half the mean squared residual. */
    private static double loss(List<double[]> points, double[] w) {
        double sum = 0;
        for (double[] p : points) {
            double r = residual(p, w);
            sum += r * r;
        }
        return sum / (2 * points.size());
    }

    private static double residual(double[] p, double[] w) {
        double prediction = 0;
        for (int c = 0; c < FEATURES; c++) {
            prediction += p[c] * w[c];
        }
        return prediction - p[FEATURES];
    }
}
