package org.petuum.ml.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LassoMathTest {

    @Test
    void softThresholdingShrinksTowardsZeroAndClipsInsideTheBand() {
        assertEquals(2.0, LassoMath.softThreshold(3.0, 1.0));
        assertEquals(-2.0, LassoMath.softThreshold(-3.0, 1.0));
        assertEquals(0.0, LassoMath.softThreshold(0.7, 1.0));
        assertEquals(0.0, LassoMath.softThreshold(-1.0, 1.0));
        assertEquals(5.0, LassoMath.softThreshold(5.0, 0.0));
    }

    private static ColumnBlock random(int n, int d, double density, long seed) {
        Random rnd = new Random(seed);
        double[] truth = new double[d];
        for (int j = 0; j < Math.min(5, d); j++) {
            truth[j] = rnd.nextGaussian() * 3;
        }
        List<LabeledRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[d];
            double y = rnd.nextGaussian() * 0.1;
            for (int j = 0; j < d; j++) {
                if (rnd.nextDouble() < density) {
                    x[j] = rnd.nextGaussian() + (j % 3 == 0 ? x[0] : 0); // some correlation
                    y += truth[j] * x[j];
                }
            }
            rows.add(LabeledRow.dense(y, x));
        }
        return ColumnBlock.of(rows, d);
    }

    @Test
    void referenceSolutionSatisfiesTheKktConditions() {
        for (double fraction : new double[] {0.5, 0.1, 0.01}) {
            ColumnBlock x = random(80, 200, 0.3, 11);
            double lambda = fraction * LassoMath.lambdaMax(x);
            LocalLassoSolver.Solution s = LocalLassoSolver.solve(x, lambda);
            double violation = LassoMath.kktViolation(x, s.beta(), lambda);
            assertTrue(violation < 1e-4 * lambda, "KKT violation " + violation + " at lambda " + lambda);
        }
    }

    @Test
    void referenceSolutionIsAllZeroAtLambdaMax() {
        ColumnBlock x = random(50, 30, 0.5, 12);
        LocalLassoSolver.Solution s = LocalLassoSolver.solve(x, LassoMath.lambdaMax(x));
        for (double b : s.beta()) {
            assertEquals(0.0, b);
        }
    }

    @Test
    void decreaseIsTheObjectiveDropOfOneCoordinateStep() {
        ColumnBlock x = random(40, 6, 1.0, 13);
        double lambda = 0.1;
        double[] beta = {0.5, 0, -0.2, 0, 0, 0};
        double f0 = LassoMath.objective(x, beta, lambda);
        double[] r = x.labels();
        for (int j = 0; j < beta.length; j++) {
            x.axpy(j, -beta[j], r);
        }
        int j = 2;
        double g = x.dot(j, r) / x.rows();
        double c = x.normSquared(j) / x.rows();
        double b1 = LassoMath.coordinateMinimiser(g, c, beta[j], lambda);
        double predicted = LassoMath.decrease(g, c, beta[j], b1, lambda);
        beta[j] = b1;
        assertEquals(f0 - LassoMath.objective(x, beta, lambda), predicted, 1e-12 * f0);
        assertTrue(predicted >= 0);
    }

    @Test
    void pairIndexMatchesTheOrderOfPairwiseDots() {
        int m = 5;
        int expected = 0;
        for (int a = 0; a < m; a++) {
            for (int b = a + 1; b < m; b++) {
                assertEquals(expected++, ColumnBlock.pairIndex(a, b, m));
            }
        }
    }
}
