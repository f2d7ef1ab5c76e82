package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The adaptive staleness controller's decisions, on scripted measurements. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StalenessControllerTest {
    private static final long MS = 1_000_000;

    /** Ends a clock at {@code clockBefore} whose reads waited {@code waitMs} and the rest took {@code computeMs}. */
    private static int clock(StalenessController s, int clockBefore, long waitMs, long computeMs) {
        return s.clockEnded(clockBefore, waitMs * MS, computeMs * MS);
    }

    /** Lowers {@code s} from its max to {@code target} through unused clocks: idle, rows as fresh as can be. */
    private static int lowerTo(StalenessController s, int target, int clockBefore) {
        int c = clockBefore;
        while (s.bound() > target) {
            s.served(c);
            clock(s, c++, 0, 100);
        }
        return c;
    }

    @Test
    void startsAtItsMaxAndKeepsItWhileWorkersKeepPaceAtTheBound() {
        StalenessController s = new StalenessController(3);
        assertEquals(3, s.bound());
        assertEquals(StalenessController.Reason.START, s.reason());
        for (int c = 3; c < 20; c++) {
            s.served(c - 3); // the slowest worker is exactly 3 clocks behind: the bound is used
            s.updated(1.0);
            assertEquals(3, clock(s, c, 1, 100));
            assertEquals(StalenessController.Reason.KEPT, s.reason());
        }
    }

    @Test
    void anUnusedBoundFallsByOneEveryFewClocksDownToBsp() {
        StalenessController s = new StalenessController(3);
        List<Integer> bounds = new ArrayList<>();
        for (int c = 3; c < 3 + 3 * StalenessController.UNUSED_CLOCKS + 2; c++) {
            s.served(c); // every row read was as fresh as the reader's own clock
            bounds.add(clock(s, c, 0, 100));
        }
        assertEquals(List.of(3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0), bounds);
        assertEquals(0, s.bound());
    }

    @Test
    void earlyClocksSayNothingAboutWhetherTheBoundIsUsed() {
        StalenessController s = new StalenessController(5);
        // Before clock 5 every row is new enough for a bound of 5, however fresh it is: no evidence either way.
        for (int c = 0; c < 5; c++) {
            s.served(c);
            assertEquals(5, clock(s, c, 0, 100));
        }
    }

    @Test
    void waitingRaisesTheBoundByOneOrByTwoWhenTheWorkerWaitedAsLongAsItComputed() {
        StalenessController s = new StalenessController(6);
        int c = lowerTo(s, 0, 6);
        assertEquals(1, clock(s, c++, 20, 100), "waited 17% of the clock");
        assertEquals(StalenessController.Reason.WAITED, s.reason());
        assertEquals(1, clock(s, c++, 5, 100), "waited 5%: kept");
        assertEquals(3, clock(s, c++, 100, 100), "waited half the clock");
        assertEquals(5, clock(s, c++, 300, 100));
        assertEquals(6, clock(s, c++, 300, 100), "capped at max");
        assertEquals(6, clock(s, c, 300, 100));
    }

    @Test
    void growingUpdatesHalveTheBoundAndOutrankWaiting() {
        StalenessController s = new StalenessController(4);
        int c = 4;
        for (; c < 8; c++) {
            s.updated(1.0); // norm 1 per clock
            s.served(c - 4);
            assertEquals(4, clock(s, c, 0, 100));
        }
        s.updated(1.0);
        s.updated(2.0); // norm sqrt(3) = 1.73 > 1.5 x the mean of 1
        s.served(c - 4);
        assertEquals(2, clock(s, c++, 200, 100), "drift, although the worker waited");
        assertEquals(StalenessController.Reason.DRIFT, s.reason());
        s.updated(9.0); // norm 3, against a mean of about 1.2
        assertEquals(1, clock(s, c++, 0, 100));
        s.updated(1.0);
        assertEquals(1, clock(s, c, 0, 100), "norm 1 is below the mean now: no drift");
    }

    @Test
    void driftNeedsAHistoryAndIgnoresClocksWithoutUpdates() {
        StalenessController s = new StalenessController(2);
        s.updated(100.0);
        assertEquals(2, clock(s, 0, 0, 100), "the first update has nothing to be compared with");
        assertEquals(2, clock(s, 1, 0, 100), "a clock without updates is no drift");
        s.updated(Double.NaN);
        s.updated(-1);
        assertEquals(2, clock(s, 2, 0, 100), "non-finite or negative sizes are ignored");
        s.updated(100.0);
        assertEquals(2, clock(s, 3, 0, 100), "the same size again");
    }

    @Test
    void aWaitInterruptsARunOfUnusedClocks() {
        StalenessController s = new StalenessController(2);
        int c = 2;
        s.served(c);
        clock(s, c++, 0, 100);
        s.served(c);
        clock(s, c++, 0, 100);
        s.served(c);
        assertEquals(2, clock(s, c++, 5, 100), "waited 5%: neither idle nor a straggler, the count restarts");
        s.served(c);
        clock(s, c++, 0, 100);
        s.served(c);
        assertEquals(2, clock(s, c++, 0, 100));
        s.served(c);
        assertEquals(1, clock(s, c, 0, 100), "three unused clocks in a row");
        assertEquals(StalenessController.Reason.UNUSED, s.reason());
    }

    @Test
    void neverLeavesZeroToMaxAndIsDeterministicOnAnyMeasurements() {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int max = 1 + rng.nextInt(8);
            StalenessController a = new StalenessController(max);
            StalenessController b = new StalenessController(max);
            boolean rose = false;
            boolean fell = false;
            int previous = a.bound();
            for (int c = 0; c < 60; c++) {
                int reads = rng.nextInt(4);
                for (int r = 0; r < reads; r++) {
                    long version = c - rng.nextInt(max + 2);
                    a.served(version);
                    b.served(version);
                }
                double size = rng.nextDouble() < 0.2 ? 0 : Math.exp(3 * rng.nextDouble());
                a.updated(size);
                b.updated(size);
                long wait = rng.nextDouble() < 0.5 ? 0 : rng.nextInt(200);
                long compute = rng.nextInt(200);
                int next = clock(a, c, wait, compute);
                assertEquals(next, clock(b, c, wait, compute), "seed " + seed + " clock " + c);
                assertTrue(next >= 0 && next <= max, "seed " + seed + ": bound " + next + " outside [0, " + max + "]");
                rose |= next > previous;
                fell |= next < previous;
                previous = next;
            }
            if (seed == 1) {
                assertTrue(rose && fell, "seed 1 never moved the bound both ways");
            }
        }
    }

    @Test
    void aNegativeMaxIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StalenessController(-1));
        assertTrue(e.getMessage().contains("max"), e.getMessage());
    }
}
