package org.petuum.bench.straggler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The straggler experiment's logic that needs no timing: the pause schedule, the target, the generated problem. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StragglerTest {

    @Test
    void onlyTheStragglerPausesAndOnlyWhenAsked() {
        for (Straggler.Mode mode : Straggler.Mode.values()) {
            Straggler s = new Straggler(mode, 7);
            for (int c = 0; c < 1000; c++) {
                assertEquals(0, s.pauseFactor(Straggler.WORKER + 1, c), mode + " clock " + c);
                if (mode == Straggler.Mode.NONE) {
                    assertEquals(0, s.pauseFactor(Straggler.WORKER, c));
                }
                if (mode == Straggler.Mode.SLOW_2X) {
                    assertEquals(1, s.pauseFactor(Straggler.WORKER, c));
                }
            }
        }
    }

    @Test
    void randomPausesAreSeededAndAsSpecified() {
        Straggler s = new Straggler(Straggler.Mode.RANDOM, 42);
        int clocks = 20_000;
        int paused = 0;
        double sum = 0;
        double[] first = new double[100];
        for (int c = 0; c < clocks; c++) {
            double f = s.pauseFactor(Straggler.WORKER, c);
            if (c < first.length) {
                first[c] = f;
            }
            assertEquals(f, s.pauseFactor(Straggler.WORKER, c), "same seed and clock, same pause");
            if (f != 0) {
                paused++;
                assertTrue(f >= Straggler.MIN_PAUSE && f < Straggler.MAX_PAUSE, "pause factor " + f);
                sum += f;
            }
        }
        // 30% of clocks, within 4 standard deviations (sd = sqrt(0.3 * 0.7 / 20000) = 0.0032).
        assertEquals(Straggler.PAUSE_PROBABILITY, paused / (double) clocks, 0.013);
        assertEquals(3.0, sum / paused, 0.05, "mean pause factor");
        double[] other = new double[first.length];
        for (int c = 0; c < other.length; c++) {
            other[c] = new Straggler(Straggler.Mode.RANDOM, 43).pauseFactor(Straggler.WORKER, c);
        }
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(other), "another seed");
    }

    @Test
    void targetIsTheSlackAboveTheReference() {
        assertEquals(0.303, StragglerReport.target(0.3, 0.01), 1e-12);
        assertEquals(0.3, StragglerReport.target(0.3, 0), 0);
        assertThrows(IllegalArgumentException.class, () -> StragglerReport.target(Double.NaN, 0.01));
        assertThrows(IllegalArgumentException.class, () -> StragglerReport.target(Double.POSITIVE_INFINITY, 0.01));
        assertThrows(IllegalArgumentException.class, () -> StragglerReport.target(0, 0.01));
    }

    @Test
    void generatedRowsAreDeterministicAndSgdLowersTheLoss() {
        GeneratedRows a = GeneratedRows.generate(5, 0, 2000, 20, 4);
        GeneratedRows b = GeneratedRows.generate(5, 0, 2000, 20, 4);
        assertArrayEquals(a.features(), b.features());
        assertArrayEquals(a.labels(), b.labels());
        GeneratedRows held = GeneratedRows.generate(5, 1, 2000, 20, 4);
        assertNotEquals(a.labels()[0] + "" + a.features()[0], held.labels()[0] + "" + held.features()[0]);
        double[] w = new double[20];
        double before = held.logLossSum(w) / held.rows();
        assertEquals(Math.log(2), before, 1e-12, "the zero model's log loss");
        int[] order = new int[a.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        a.sgd(order, 0, order.length, w, 0.01);
        double after = held.logLossSum(w) / held.rows();
        assertTrue(after < 0.8 * before, "held-out log loss " + before + " -> " + after);
        // Close to the true model's loss on the same rows.
        double truth = held.logLossSum(GeneratedRows.trueModel(5, 20, 4)) / held.rows();
        assertTrue(after < truth * 1.2, "SGD " + after + " vs the true model's " + truth);
    }
}
