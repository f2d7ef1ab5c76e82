package org.petuum.ml.regression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ml.TestSpark;
import org.petuum.ps.PsContext;

/**
 * The scheduled Lasso engine against the local reference solver, on the shared two-executor cluster, with two
 * workers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ScheduledLassoTest {
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        SparkSession spark = TestSpark.cluster();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps = PsContext.get(spark);
    }
    private static LassoResult fit(TestData.Problem p, LassoParams params) {
        return ScheduledLasso.fit(ps, jsc.parallelize(p.rows(), 2), p.features(), params);
    }

    private static void assertMatchesReference(TestData.Problem p, double lambdaFraction, LassoParams.Schedule s) {
        ColumnBlock x = ColumnBlock.of(p.rows(), p.features());
        double lambda = lambdaFraction * LassoMath.lambdaMax(x);
        LocalLassoSolver.Solution ref = LocalLassoSolver.solve(x, lambda);
        LassoResult fit = fit(p, LassoParams.of(lambda).withSchedule(s).withTolerance(1e-10));
        assertTrue(fit.converged(), "did not converge in " + fit.rounds() + " rounds");
        double f = LassoMath.objective(x, fit.beta(), lambda);
        assertEquals(ref.objective(), f, 1e-4 * ref.objective(), "objective (reference " + ref.objective() + ")");
        assertEquals(f, fit.objective(), 1e-6 * f, "the scheduler's running objective drifted from the true one");
        for (int j = 0; j < p.features(); j++) {
            assertEquals(ref.beta()[j] != 0, fit.beta()[j] != 0, "support differs at feature " + j + ": reference "
                    + ref.beta()[j] + ", scheduled " + fit.beta()[j]);
        }
        assertEquals(LassoMath.lambdaMax(x), fit.lambdaMax(), 1e-9 * fit.lambdaMax());
    }

    @Test
    void dynamicScheduleMatchesTheReferenceOnDiabetes() throws Exception {
        assertMatchesReference(TestData.diabetes(), 0.05, LassoParams.Schedule.DYNAMIC);
    }

    @Test
    void randomScheduleMatchesTheReferenceOnDiabetes() throws Exception {
        assertMatchesReference(TestData.diabetes(), 0.05, LassoParams.Schedule.RANDOM);
    }

    @Test
    void rotationScheduleMatchesTheReferenceOnDiabetes() throws Exception {
        assertMatchesReference(TestData.diabetes(), 0.05, LassoParams.Schedule.ROTATION);
    }

    @Test
    void dynamicScheduleMatchesTheReferenceOnCpusmall() throws Exception {
        assertMatchesReference(TestData.cpusmall(), 0.1, LassoParams.Schedule.DYNAMIC);
    }

    @Test
    void lambdaAtOrAboveLambdaMaxGivesAllZeroCoefficients() throws Exception {
        TestData.Problem p = TestData.diabetes();
        double lambdaMax = LassoMath.lambdaMax(ColumnBlock.of(p.rows(), p.features()));
        LassoResult fit = fit(p, LassoParams.of(lambdaMax));
        assertTrue(fit.converged());
        assertArrayEquals(new double[p.features()], fit.beta());
        assertEquals(0, fit.updates(), "no coordinate needs updating at lambda_max");
    }

    @Test
    void constantAndAllZeroColumnsAreHandled() {
        // Column 1 is all zero, column 2 constant; the rest is a small exact linear model.
        java.util.Random rnd = new java.util.Random(7);
        List<LabeledRow> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double a = rnd.nextGaussian();
            double b = rnd.nextGaussian();
            rows.add(LabeledRow.dense(3 * a - 2 * b + 1.5, a, 0, 1, b));
        }
        TestData.Problem p = new TestData.Problem(rows, 4);
        ColumnBlock x = ColumnBlock.of(rows, 4);
        double lambda = 0.01;
        LocalLassoSolver.Solution ref = LocalLassoSolver.solve(x, lambda);
        LassoResult fit = fit(p, LassoParams.of(lambda));
        assertTrue(fit.converged());
        assertEquals(0.0, fit.beta()[1], "an all-zero column keeps a zero coefficient");
        assertTrue(fit.beta()[2] > 1, "the constant column acts as the intercept: " + fit.beta()[2]);
        assertEquals(ref.objective(), LassoMath.objective(x, fit.beta(), lambda), 1e-6 * ref.objective());
    }

    @Test
    void nonFiniteValuesFailTheRunNamingTheRow() {
        List<LabeledRow> rows = List.of(LabeledRow.dense(1, 1, 2), LabeledRow.dense(2, Double.NaN, 1));
        Exception e = assertThrows(Exception.class,
                () -> ScheduledLasso.fit(ps, jsc.parallelize(rows, 1), 2, LassoParams.of(0.1)));
        String all = describe(e);
        assertTrue(all.contains("partition 0, row 1: feature 0 is NaN"), all);
        // The parameter server is usable afterwards: the run's tables are gone.
        assertTrue(ps.tables().stream().noneMatch(t -> t.name().startsWith("lasso-")), ps.tables().toString());
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
