package org.petuum.ml.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loss gradient against central finite differences of the loss, for both families, with and without a penalty. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class LrGradientTest {
    private static final int FEATURES = 7;

    private static LrPlan plan(int sets, double regParam, boolean intercept) {
        double[] scale = new double[FEATURES];
        double[] penalty = new double[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            scale[j] = 1.0;
            penalty[j] = 0.5 + j;
        }
        return new LrPlan("m", "p", FEATURES, sets, intercept, scale, penalty, regParam, LrOptimizer.ADAM, 0.01, 1, 1,
                0, 1, 50);
    }

    private static LrPartition data(int classes, Random random) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            double[] x = new double[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = random.nextDouble() < 0.6 ? 0 : random.nextGaussian();
            }
            rows.add(RowFactory.create(i % 2 == 0 ? Vectors.dense(x).toSparse() : Vectors.dense(x),
                    (double) random.nextInt(classes)));
        }
        double[] scale = new double[FEATURES];
        java.util.Arrays.fill(scale, 1.0);
        return LrPartition.load(rows.iterator(), scale);
    }

    private static void check(int classes, int sets, double regParam, boolean intercept) {
        Random random = new Random(11 + classes);
        LrPlan plan = plan(sets, regParam, intercept);
        LrPartition d = data(classes, random);
        int[] order = new int[d.size];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] w = new double[(int) plan.cells()];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.3 * random.nextGaussian();
        }
        LrGradient g = new LrGradient(plan);
        g.compute(d, order, 0, d.size, w, true);
        double[] analytic = g.grad.clone();
        double h = 1e-6;
        for (int i = 0; i < w.length; i++) {
            double keep = w[i];
            w[i] = keep + h;
            double up = objective(g, d, order, w);
            w[i] = keep - h;
            double down = objective(g, d, order, w);
            w[i] = keep;
            assertEquals((up - down) / (2 * h), analytic[i], 1e-6, "cell " + i);
        }
    }

    private static double objective(LrGradient g, LrPartition d, int[] order, double[] w) {
        return g.compute(d, order, 0, d.size, w, true) / d.size + g.penalty(w);
    }

    @Test
    void binomialGradientMatchesFiniteDifferences() {
        check(2, 1, 0.0, true);
        check(2, 1, 0.3, false);
    }

    @Test
    void multinomialGradientMatchesFiniteDifferences() {
        check(4, 4, 0.0, false);
        check(4, 4, 0.2, true);
    }
}
