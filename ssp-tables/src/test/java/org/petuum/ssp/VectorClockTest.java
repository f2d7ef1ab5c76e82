package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VectorClockTest {

    @Test
    void startsWithEveryWorkerAtClockZero() {
        VectorClock v = new VectorClock(3);
        assertEquals(3, v.workers());
        assertEquals(0, v.min());
        assertEquals(0, v.clockOf(2));
        assertEquals(0, v.slowestWorker());
    }

    @Test
    void minAdvancesOnlyWhenTheLastWorkerAtTheMinimumMoves() {
        VectorClock v = new VectorClock(3);
        assertFalse(v.advance(0, 1));
        assertFalse(v.advance(2, 1));
        assertEquals(0, v.min());
        assertFalse(v.advance(0, 2), "worker 0 was not at the minimum");
        assertTrue(v.advance(1, 5));
        assertEquals(1, v.min());
        assertEquals(5, v.clockOf(1));
    }

    @Test
    void minJumpsToTheNewSmallestClock() {
        VectorClock v = new VectorClock(2);
        v.advance(0, 4);
        assertTrue(v.advance(1, 6));
        assertEquals(4, v.min());
        assertEquals(0, v.slowestWorker());
    }

    @Test
    void slowestWorkerIsTheLowestNumberedAtTheMinimum() {
        VectorClock v = new VectorClock(4);
        v.advance(0, 2);
        v.advance(1, 1);
        assertEquals(2, v.slowestWorker());
        v.advance(2, 3);
        assertEquals(3, v.slowestWorker());
        v.advance(3, 1);
        assertEquals(1, v.min());
        assertEquals(1, v.slowestWorker());
    }

    @Test
    void slowestExcludingSkipsTheWorkerAndFinishedOnes() {
        VectorClock v = new VectorClock(4);
        v.advance(0, 2);
        v.advance(2, 1);
        v.advance(3, 1);
        assertEquals(1, v.slowestWorker());
        assertEquals(2, v.slowestExcluding(1), "the lowest-numbered of the others at their minimum");
        v.finish(2);
        assertEquals(3, v.slowestExcluding(1));
        v.finish(0);
        v.finish(3);
        assertEquals(1, v.slowestExcluding(1), "no other unfinished worker: the worker itself");
    }

    @Test
    void advanceMustIncreaseTheClock() {
        VectorClock v = new VectorClock(2);
        v.advance(1, 3);
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> v.advance(1, 3));
        assertEquals("worker 1: clock 3 does not advance from 3", same.getMessage());
        assertThrows(IllegalArgumentException.class, () -> v.advance(1, 2));
        assertThrows(IllegalArgumentException.class, () -> v.advance(0, 0));
        assertEquals(3, v.clockOf(1));
        assertEquals(0, v.min());
    }

    @Test
    void needsAtLeastOneWorkerAndAtMostTheBound() {
        assertEquals("workers : 0 (expected: 1 <= workers <= 65536)",
                assertThrows(IllegalArgumentException.class, () -> new VectorClock(0)).getMessage());
        assertEquals("workers : 1073741824 (expected: 1 <= workers <= 65536)",
                assertThrows(IllegalArgumentException.class, () -> new VectorClock(1 << 30)).getMessage());
    }

    @Test
    void singleWorkerMinFollowsIt() {
        VectorClock v = new VectorClock(1);
        assertTrue(v.advance(0, 1));
        assertTrue(v.advance(0, 2));
        assertEquals(2, v.min());
    }

    @Test
    void aFinishedWorkerKeepsItsClockButNoLongerHoldsTheVisibleMinimum() {
        VectorClock v = new VectorClock(3);
        v.advance(0, 2);
        v.advance(2, 4);
        assertEquals(0, v.visibleMin());
        assertTrue(v.finish(1), "worker 1 held the minimum at 0");
        assertEquals(2, v.visibleMin());
        assertEquals(0, v.min(), "checkpoints still count worker 1 at clock 0");
        assertEquals(0, v.clockOf(1));
        assertEquals(4, v.minExcluding(0));
        assertEquals(0, v.slowestWorker());
        assertFalse(v.finish(1), "finishing twice changes nothing");
        assertThrows(IllegalArgumentException.class, () -> v.advance(1, 1));

        assertFalse(v.finish(2), "worker 2 was ahead of the minimum");
        assertEquals(Integer.MAX_VALUE, v.minExcluding(0));
        v.finish(0);
        assertEquals(4, v.visibleMin(), "with every worker finished, the largest clock");
    }
}
