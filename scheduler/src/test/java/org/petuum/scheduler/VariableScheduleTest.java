package org.petuum.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VariableScheduleTest {

    private static void assertDistinct(int[] picked) {
        Set<Integer> s = new HashSet<>();
        for (int j : picked) {
            assertTrue(s.add(j), "variable " + j + " drawn twice in one round");
        }
    }

    @Test
    void cyclicScheduleTakesConsecutiveSchedulableBlocksAndWraps() {
        CyclicSchedule s = new CyclicSchedule(7);
        s.setSchedulable(2, false);
        s.setSchedulable(2, false); // twice: still one fewer
        assertArrayEquals(new int[] {0, 1, 3}, s.select(3));
        assertArrayEquals(new int[] {4, 5, 6}, s.select(3));
        assertArrayEquals(new int[] {0, 1, 3}, s.select(3));
        s.setSchedulable(2, true);
        assertArrayEquals(new int[] {4, 5, 6, 0, 1, 2, 3}, s.select(10), "never more than the schedulable count");
        assertEquals("rotation", s.name());
    }

    @Test
    void prioritySamplingFavoursLargeSquaredChanges() {
        PrioritySchedule s = new PrioritySchedule(100, 1e-4, null, 1);
        for (int j = 0; j < 100; j++) {
            s.updated(j, j < 5 ? 1.0 : 0.0); // five moving variables, 95 settled
        }
        int[] hits = new int[100];
        for (int round = 0; round < 2000; round++) {
            int[] picked = s.select(3);
            assertDistinct(picked);
            for (int j : picked) {
                hits[j]++;
            }
        }
        int moving = 0;
        for (int j = 0; j < 5; j++) {
            moving += hits[j];
        }
        // Weights 1 + 1e-4 against 1e-4: nearly every draw is one of the five.
        assertTrue(moving > 0.99 * 6000, "moving variables drawn " + moving + " of 6000 times");
        s.updated(50, 3.0); // 9 + eta: now by far the largest
        int fifty = 0;
        for (int round = 0; round < 1000; round++) {
            for (int j : s.select(1)) {
                fifty += j == 50 ? 1 : 0;
            }
        }
        assertTrue(fifty > 600 && fifty < 760, "variable 50 (weight 9 of about 14) drawn " + fifty + " of 1000 times");
    }

    @Test
    void prioritySamplingNeverDrawsUnschedulableVariables() {
        PrioritySchedule s = new PrioritySchedule(10, 1e-3, null, 2);
        for (int j = 0; j < 10; j += 2) {
            s.setSchedulable(j, false);
        }
        for (int round = 0; round < 200; round++) {
            int[] picked = s.select(8);
            assertEquals(5, picked.length, "only five are schedulable");
            for (int j : picked) {
                assertEquals(1, j % 2, "drew unschedulable variable " + j);
            }
        }
    }

    @Test
    void randomSelectionIsUniformish() {
        RandomSchedule s = new RandomSchedule(20, 3);
        int[] hits = new int[20];
        for (int round = 0; round < 5000; round++) {
            int[] picked = s.select(4);
            assertDistinct(picked);
            for (int j : picked) {
                hits[j]++;
            }
        }
        // 1000 expected each; a binomial standard deviation is about 28.
        for (int j = 0; j < 20; j++) {
            assertTrue(hits[j] > 880 && hits[j] < 1120, "variable " + j + " drawn " + hits[j] + " times");
        }
        s.setSchedulable(3, false);
        for (int round = 0; round < 200; round++) {
            for (int j : s.select(19)) {
                assertTrue(j != 3, "drew an unschedulable variable");
            }
        }
    }

    @Test
    void dependencyFilterKeepsOnlyWeaklyCorrelatedVariablesTogether() {
        // Candidates 0 and 1 are strongly correlated, 2 weakly with both, 3 strongly with 2.
        double[][] corr = {
                {1, 0.9, 0.05, 0.0},
                {0.9, 1, 0.02, 0.0},
                {0.05, 0.02, 1, -0.5},
                {0.0, 0.0, -0.5, 1}};
        DependencyFilter f = new DependencyFilter(0.1);
        assertArrayEquals(new int[] {0, 2}, f.accept(4, (a, b) -> corr[a][b]));
        assertArrayEquals(new int[] {0, 1, 2, 3}, new DependencyFilter(1.0).accept(4, (a, b) -> corr[a][b]));
        int[] kept = f.accept(4, (a, b) -> corr[a][b]);
        for (int a : kept) {
            for (int b : kept) {
                assertTrue(a == b || Math.abs(corr[a][b]) < 0.1, "kept " + a + " and " + b + " together");
            }
        }
    }
}
