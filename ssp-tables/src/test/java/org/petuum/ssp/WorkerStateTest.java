package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerStateTest {
    private static final RowPartitioner TWO_SHARDS = new RowPartitioner(2);
    private static final TableRef SSP1 = new TableRef(1, TableSpec.dense("w", 10, 2).staleness(1));
    private static final TableRef BSP = new TableRef(2, TableSpec.dense("b", 10, 2));
    private static final TableRef ASYNC = new TableRef(3, TableSpec.dense("a", 10, 2).consistency(Consistency.async()));

    private static CachedRow cached(long version, long fetchSeq) {
        return new CachedRow(version, fetchSeq, new DenseRow(2));
    }

    /** Increments {@code row} and completes a clock whose flush to every shard carries sequence {@code seq}. */
    private static void writeAndClock(WorkerState w, TableRef t, int row, long seq) {
        w.oplog().inc(t, row, 0, 1);
        List<List<RowUpdate>> byShard = w.drainByShard();
        for (int s = 0; s < byShard.size(); s++) {
            w.flushed(s, seq, byShard.get(s));
        }
        w.advanceClock();
    }

    private static void clockWithoutWrites(WorkerState w, long seq) {
        List<List<RowUpdate>> byShard = w.drainByShard();
        for (int s = 0; s < byShard.size(); s++) {
            w.flushed(s, seq, byShard.get(s));
        }
        w.advanceClock();
    }

    @Test
    void anAdaptiveTablesReadsFollowTheBoundInForceWhichItsControllerPicksAtEachClock() {
        TableRef auto = new TableRef(4, TableSpec.dense("auto", 10, 2).consistency(Consistency.sspAuto(2)));
        WorkerState w = new WorkerState(0, TWO_SHARDS, 2);
        assertEquals(2, w.staleness(auto), "starts at its max");
        assertEquals(0, w.minVersion(auto));
        assertTrue(w.isFresh(auto, 5, cached(0, 0)));
        assertEquals(Map.of("auto", 2), w.adaptiveBounds(List.of(SSP1, auto)), "fixed tables have no entry");
        // Three clocks in which every row read was as fresh as the worker's clock and nothing waited: the bound
        // went unused and drops to 1.
        long now = 0;
        for (int i = 0; i < 4; i++) {
            w.view(auto, 5, cached(w.clock(), 0));
            now += 100;
            w.advanceClock(0, now);
        }
        assertEquals(6, w.clock());
        assertEquals(1, w.staleness(auto));
        assertEquals(Map.of("auto", 1), w.adaptiveBounds(List.of(SSP1, auto)));
        assertEquals(5, w.minVersion(auto));
        assertFalse(w.isFresh(auto, 5, cached(4, 0)), "within the max, but not within the bound in force");
        assertTrue(w.isFresh(auto, 5, cached(5, 0)));
        // A clock whose reads waited as long as it computed: the bound rises by 2, to the max.
        w.advanceClock(100, now + 200);
        assertEquals(2, w.staleness(auto));
        assertTrue(w.isFresh(auto, 5, cached(5, 0)));
        assertEquals(1, w.staleness(SSP1), "a fixed table keeps its staleness");
    }

    @Test
    void missingRowIsNeverFresh() {
        assertFalse(new WorkerState(0, TWO_SHARDS).isFresh(SSP1, 0, null));
        assertFalse(new WorkerState(0, TWO_SHARDS).isFresh(ASYNC, 0, null));
    }

    @Test
    void boundedRowMustBeWithinStalenessOfTheWorkersClock() {
        WorkerState w = new WorkerState(0, TWO_SHARDS, 3);
        assertEquals(3, w.clock());
        assertEquals(2, w.minVersion(SSP1));
        assertEquals(3, w.minVersion(BSP));
        assertEquals(Long.MIN_VALUE, w.minVersion(ASYNC));
        assertTrue(w.isFresh(SSP1, 5, cached(2, 0)));
        assertFalse(w.isFresh(SSP1, 5, cached(1, 100)));
        assertFalse(w.isFresh(BSP, 5, cached(2, 100)));
        assertTrue(w.isFresh(BSP, 5, cached(3, 0)));
        w.advanceClock();
        assertFalse(w.isFresh(SSP1, 5, cached(2, 0)), "a clock later the same row is too old");
    }

    @Test
    void rowProducedBeforeTheWorkersOwnFlushIsSeenWithThatFlushAddedBack() {
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        writeAndClock(w, SSP1, 4, 10);
        CachedRow before = cached(5, 9);
        assertTrue(w.isFresh(SSP1, 4, before), "the worker's own flush is in its log");
        assertArrayEquals(new double[] {1, 0}, w.view(SSP1, 4, before).toArray(), "the flush is added back");
        CachedRow holding = cached(5, 10);
        assertArrayEquals(new double[] {0, 0}, w.view(SSP1, 4, holding).toArray(),
                "a row that holds the flush (up to sequence 10) is not counted twice");
        assertArrayEquals(new double[] {0, 0}, w.view(SSP1, 4, cached(5, 11)).toArray());
    }

    @Test
    void rowOlderThanTheOwnUpdateLogIsNotFresh() {
        // Staleness 100: only the log's limit per row drops entries.
        TableRef ssp100 = new TableRef(5, TableSpec.dense("s", 10, 2).staleness(100));
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        for (int i = 0; i < 40; i++) {
            writeAndClock(w, ssp100, 4, 10 + i);
        }
        assertEquals(32, w.ownLogSize());
        assertFalse(w.isFresh(ssp100, 4, cached(0, 9)), "the oldest own updates left the log");
        assertTrue(w.isFresh(ssp100, 4, cached(0, 30)));
        assertArrayEquals(new double[] {19, 0}, w.view(ssp100, 4, cached(0, 30)).toArray(),
                "the 19 flushes after sequence 30 are added back");
    }

    @Test
    void aBoundedTablesOwnUpdatesLeaveTheLogOnceEveryReadableRowHoldsThem() {
        TableRef ssp2 = new TableRef(5, TableSpec.dense("s", 10, 2).staleness(2));
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        writeAndClock(w, ssp2, 4, 10); // clock 0
        writeAndClock(w, ssp2, 4, 11); // clock 1
        assertEquals(2, w.ownLogSize(), "at clock 2 a row of version 0 may be read: it lacks clocks 0 and 1");
        writeAndClock(w, ssp2, 4, 12); // clock 2
        assertEquals(2, w.ownLogSize(), "clock 0's update is in every row of version 1 or more");
        assertEquals(1, w.minVersion(ssp2));
        assertTrue(w.isFresh(ssp2, 4, cached(1, 10)), "lacks flushes 11 and 12, both still logged");
        assertArrayEquals(new double[] {2, 0}, w.view(ssp2, 4, cached(1, 10)).toArray());
        assertFalse(w.isFresh(ssp2, 4, cached(1, 9)), "would lack flush 10, which left the log");
    }

    @Test
    void aBspWorkerKeepsNoOwnUpdatesAfterItsClock() {
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        for (int i = 0; i < 100; i++) {
            writeAndClock(w, BSP, i % 10, 10 + i);
        }
        assertEquals(0, w.ownLogSize());
        assertTrue(w.isFresh(BSP, 9, cached(100, 109)), "holds the last flush of row 9");
        assertFalse(w.isFresh(BSP, 9, cached(100, 108)), "lacks it, and the log cannot add it back");
    }

    @Test
    void anOptimizerTablesGradientsAreNeverLogged() {
        TableRef adaGrad = new TableRef(6, TableSpec.dense("g", 10, 2).staleness(100)
                .updateRule(UpdateRule.adaGrad(0.1, 1e-8)));
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        writeAndClock(w, adaGrad, 4, 10);
        assertEquals(0, w.ownLogSize());
        assertFalse(w.isFresh(adaGrad, 4, cached(1, 9)), "lacks the gradient's step, which no log can add");
        assertTrue(w.isFresh(adaGrad, 4, cached(1, 10)));
    }

    @Test
    void readMyWritesOnlyConcernsRowsTheWorkerWrote() {
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        writeAndClock(w, SSP1, 4, 10);
        assertTrue(w.isFresh(SSP1, 6, cached(0, 3)), "row 6 (same shard) was never written by this worker");
        assertTrue(w.isFresh(BSP, 4, cached(1, 3)), "row 4 of another table was never written");
    }

    @Test
    void readMyWritesFollowsTheLatestFlushOfTheRow() {
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        writeAndClock(w, SSP1, 4, 10);
        clockWithoutWrites(w, 20);
        assertTrue(w.isFresh(SSP1, 4, cached(1, 11)), "the clock without writes of row 4 does not matter");
        writeAndClock(w, SSP1, 4, 30);
        assertArrayEquals(new double[] {1, 0}, w.view(SSP1, 4, cached(2, 29)).toArray(), "flush 30 added back");
        assertArrayEquals(new double[] {0, 0}, w.view(SSP1, 4, cached(2, 31)).toArray());
    }

    @Test
    void flushRecordedOutOfOrderNeverLowersTheReadMyWritesBar() {
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        List<RowUpdate> row4 = List.of(new RowUpdate(SSP1.id(), 4, DenseRow.wrap(new double[] {1, 0})));
        w.flushed(0, 10, row4);
        w.flushed(0, 8, row4);
        assertArrayEquals(new double[] {2, 0}, w.view(SSP1, 4, cached(5, 7)).toArray(), "both flushes added back");
        assertArrayEquals(new double[] {0, 0}, w.view(SSP1, 4, cached(5, 11)).toArray());
    }

    @Test
    void asyncRowMayBeOneClockBehindTheWorkersLastFlushToItsShard() {
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        assertTrue(w.isFresh(ASYNC, 4, cached(0, 0)), "nothing flushed yet");
        w.flushed(0, 10, List.of());
        w.flushed(1, 3, List.of());
        w.advanceClock();
        assertTrue(w.isFresh(ASYNC, 6, cached(0, 0)), "one clock completed: no bound yet");
        w.flushed(0, 20, List.of());
        w.flushed(1, 13, List.of());
        w.advanceClock();
        assertFalse(w.isFresh(ASYNC, 6, cached(0, 9)), "older than the flush of the clock before last");
        assertFalse(w.isFresh(ASYNC, 6, cached(Long.MAX_VALUE, 9)), "a version does not help under ASYNC");
        assertTrue(w.isFresh(ASYNC, 6, cached(0, 10)), "one clock behind: what the push after flush 10 brought");
        assertTrue(w.isFresh(ASYNC, 5, cached(0, 3)), "row 5 is on shard 1, flushed with sequence 3 a clock ago");
        assertFalse(w.isFresh(ASYNC, 5, cached(0, 2)));
    }

    @Test
    void asyncRowOneClockBehindIsCompletedWithTheWorkersOwnUpdates() {
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        w.flushed(0, 10, List.of());
        w.advanceClock();
        w.flushed(0, 20, List.of(new RowUpdate(ASYNC.id(), 4, DenseRow.wrap(new double[] {1, 0}))));
        w.advanceClock();
        assertTrue(w.isFresh(ASYNC, 4, cached(0, 12)), "lacks flush 20, which the worker's log adds back");
        assertArrayEquals(new double[] {1, 0}, w.view(ASYNC, 4, cached(0, 12)).toArray());
        assertArrayEquals(new double[] {0, 0}, w.view(ASYNC, 4, cached(0, 20)).toArray(), "holds it already");
    }

    @Test
    void asyncIgnoresVersionsOfAnyAge() {
        WorkerState w = new WorkerState(0, TWO_SHARDS, 1_000);
        assertTrue(w.isFresh(ASYNC, 2, cached(Long.MIN_VALUE, 0)));
    }

    @Test
    void viewAddsPendingUpdatesWithoutTouchingTheBase() {
        WorkerState w = new WorkerState(0, TWO_SHARDS);
        DenseRow base = DenseRow.wrap(new double[] {1, 1});
        w.oplog().inc(SSP1, 3, 1, 5);
        RowValues seen = w.view(SSP1, 3, base);
        assertArrayEquals(new double[] {1, 6}, seen.toArray());
        assertArrayEquals(new double[] {1, 1}, base.toArray());
        seen.add(0, 100);
        assertEquals(5.0, w.oplog().pending(SSP1.id(), 3).get(1), "the view is a new row");
        assertEquals(0.0, w.oplog().pending(SSP1.id(), 3).get(0));
        assertArrayEquals(new double[] {1, 1}, w.view(SSP1, 4, base).toArray(), "nothing pending for row 4");
    }

    @Test
    void drainByShardGroupsUpdatesAndListsEveryShard() {
        WorkerState w = new WorkerState(0, new RowPartitioner(3));
        w.oplog().inc(SSP1, 1, 0, 1);
        w.oplog().inc(SSP1, 4, 0, 1);
        w.oplog().inc(BSP, 7, 1, 1);
        List<List<RowUpdate>> byShard = w.drainByShard();
        assertEquals(3, byShard.size());
        assertTrue(byShard.get(0).isEmpty());
        assertEquals(3, byShard.get(1).size());
        assertTrue(byShard.get(1).stream().allMatch(u -> u.row() % 3 == 1));
        assertTrue(byShard.get(2).isEmpty());
        assertTrue(w.oplog().isEmpty());
        assertEquals(3, w.drainByShard().size(), "an empty oplog still names every shard");
    }

    @Test
    void clockCountsCompletedClocksFromTheStart() {
        WorkerState w = new WorkerState(4, TWO_SHARDS, 2);
        assertEquals(4, w.worker());
        w.advanceClock();
        assertEquals(3, w.clock());
        assertEquals(0, new WorkerState(0, TWO_SHARDS).clock());
    }
}
