package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShardStateTest {
    private static final long RUN = 7;
    private static final long NEVER = Long.MAX_VALUE;
    private static final RowPartitioner TWO_SHARDS = new RowPartitioner(2);
    /** Rows 0, 2, 4, ... live on shard 0. */
    private static final TableRef WEIGHTS = new TableRef(1, TableSpec.dense("weights", 10, 3).staleness(1));
    private static final TableRef WORDS = new TableRef(2, TableSpec.sparse("words", 10, 100));

    private ShardState<String> shard;

    @BeforeEach
    void setUp() {
        shard = new ShardState<>(0, TWO_SHARDS);
        shard.createTable(WEIGHTS);
        shard.createTable(WORDS);
        assertTrue(shard.beginRun(RUN, 3).isEmpty());
    }

    private static List<RowUpdate> inc(TableRef t, int row, int col, double delta) {
        RowValues d = t.spec().zeroRow();
        d.add(col, delta);
        return List.of(new RowUpdate(t.id(), row, d));
    }

    private static ShardRead<String> read(String token, TableRef t, int row, long minVersion, int worker,
                                          int workerClock, long arrival, long deadline) {
        return new ShardRead<>(token, t.id(), new int[] {row}, minVersion, worker, workerClock, arrival,
                deadline);
    }

    private double[] rowNow(TableRef t, int row) {
        RowsSnapshot s = shard.readRange(t.id(), row, row + 1);
        return s.size() == 0 ? new double[t.spec().cols()] : s.values()[0].toArray();
    }

    @Test
    void flushAppliesItsUpdatesAndAdvancesTheWorkersClock() {
        FlushResult<String> r = shard.flush(RUN, 1, 0, inc(WEIGHTS, 2, 1, 4));
        assertTrue(r.applied());
        assertTrue(r.released().isEmpty());
        assertArrayEquals(new double[] {0, 4, 0}, rowNow(WEIGHTS, 2));
        assertEquals(1, shard.clockOf(1));
        assertEquals(0, shard.minClock());
    }

    @Test
    void repeatedFlushOfTheSameWorkerAndClockIsDropped() {
        assertTrue(shard.flush(RUN, 0, 0, inc(WEIGHTS, 2, 1, 4)).applied());
        FlushResult<String> again = shard.flush(RUN, 0, 0, inc(WEIGHTS, 2, 1, 4));
        assertFalse(again.applied());
        assertTrue(again.released().isEmpty());
        assertArrayEquals(new double[] {0, 4, 0}, rowNow(WEIGHTS, 2));
        assertEquals(1, shard.clockOf(0));

        assertTrue(shard.flush(RUN, 0, 1, inc(WEIGHTS, 2, 1, 1)).applied());
        assertFalse(shard.flush(RUN, 0, 0, inc(WEIGHTS, 2, 1, 4)).applied(), "an older clock is also a duplicate");
        assertArrayEquals(new double[] {0, 5, 0}, rowNow(WEIGHTS, 2));
    }

    @Test
    void skippedClockIsRejectedAndAppliesNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shard.flush(RUN, 2, 1, inc(WEIGHTS, 4, 0, 9)));
        assertEquals("shard 0: worker 2 flushed clock 1 but its next clock here is 0 (a flush was lost)",
                e.getMessage());
        assertEquals(0, shard.clockOf(2));
        assertEquals(0, shard.readRange(WEIGHTS.id(), 0, 10).size());
    }

    @Test
    void flushWithARowOfAnotherShardAppliesNothing() {
        List<RowUpdate> mixed = List.of(inc(WEIGHTS, 2, 0, 1).get(0), inc(WEIGHTS, 3, 0, 1).get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shard.flush(RUN, 0, 0, mixed));
        assertEquals("table 'weights' row 3 belongs to shard 1, not shard 0", e.getMessage());
        assertEquals(0, shard.readRange(WEIGHTS.id(), 0, 10).size(), "the valid update before it was not applied");
        assertEquals(0, shard.clockOf(0));
        assertTrue(shard.flush(RUN, 0, 0, List.of()).applied(), "the clock can still be flushed correctly");
    }

    @Test
    void flushWithAWrongWidthOrUnknownTableAppliesNothing() {
        List<RowUpdate> wide = List.of(inc(WEIGHTS, 0, 0, 1).get(0), new RowUpdate(WEIGHTS.id(), 2, new DenseRow(4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shard.flush(RUN, 0, 0, wide));
        assertEquals("table 'weights' row 2: update has 4 columns, expected 3", e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> shard.flush(RUN, 0, 0, List.of(new RowUpdate(9, 0, new DenseRow(3)))));
        assertEquals("shard 0: no table with id 9", unknown.getMessage());
        assertEquals(0, shard.readRange(WEIGHTS.id(), 0, 10).size());
        assertEquals(0, shard.clockOf(0));
    }

    @Test
    void flushFromAnotherRunOrUnknownWorkerIsRejected() {
        assertEquals("shard 0: run 6 is not the active run 7",
                assertThrows(IllegalArgumentException.class, () -> shard.flush(6, 0, 0, List.of())).getMessage());
        assertEquals("shard 0: worker 3 outside [0, 3) of run 7",
                assertThrows(IllegalArgumentException.class, () -> shard.flush(RUN, 3, 0, List.of())).getMessage());
        ShardState<String> fresh = new ShardState<>(1, TWO_SHARDS);
        assertEquals("shard 1: run 0 is not the active run (none started)",
                assertThrows(IllegalArgumentException.class, () -> fresh.flush(0, 0, 0, List.of())).getMessage());
    }

    @Test
    void readIsAnsweredAtOnceWhenTheMinimumClockIsHighEnough() {
        shard.flush(RUN, 0, 0, inc(WEIGHTS, 4, 2, 1));
        ServedRead<String> s = shard.read(read("r", WEIGHTS, 4, 0, 0, 1, 0, NEVER));
        assertNotNull(s);
        assertEquals("r", s.token());
        assertEquals(0, s.rows().version());
        assertArrayEquals(new int[] {4}, s.rows().rows());
        assertArrayEquals(new double[] {0, 0, 1}, s.rows().values()[0].toArray(),
                "an answer holds what was applied, even beyond its version");
        assertEquals(0, shard.waitingReads());
    }

    @Test
    void readOfAnUntouchedRowIsAZeroRowOfTheTablesStorage() {
        ServedRead<String> s = shard.read(read("r", WORDS, 8, 0, 0, 0, 0, NEVER));
        assertInstanceOf(SparseRow.class, s.rows().values()[0]);
        assertEquals(100, s.rows().values()[0].cols());
        assertEquals(0, s.rows().values()[0].storedCells());
    }

    @Test
    void readWaitsUntilSlowestWorkerIsWithinStaleness() {
        // Worker 0 has completed 2 clocks; under SSP(1) it needs version 1: every worker's clock 0.
        shard.flush(RUN, 0, 0, inc(WEIGHTS, 6, 0, 1));
        shard.flush(RUN, 0, 1, inc(WEIGHTS, 6, 0, 1));
        assertNull(shard.read(read("w0", WEIGHTS, 6, WEIGHTS.spec().consistency().minVersion(2), 0, 2, 0, NEVER)));
        assertEquals(1, shard.waitingReads());

        FlushResult<String> w1 = shard.flush(RUN, 1, 0, inc(WEIGHTS, 6, 1, 1));
        assertTrue(w1.applied());
        assertTrue(w1.released().isEmpty(), "worker 2 is still at clock 0");
        assertEquals(1, shard.waitingReads());

        FlushResult<String> w2 = shard.flush(RUN, 2, 0, inc(WEIGHTS, 6, 2, 1));
        assertEquals(1, w2.released().size());
        ServedRead<String> s = w2.released().get(0);
        assertEquals("w0", s.token());
        assertEquals(1, s.rows().version());
        assertArrayEquals(new double[] {2, 1, 1}, s.rows().values()[0].toArray());
        assertEquals(0, shard.waitingReads());
    }

    @Test
    void theFlushThatAdvancesTheMinimumReleasesOnlyTheReadsItSatisfies() {
        assertNull(shard.read(read("v1", WEIGHTS, 0, 1, 0, 2, 0, NEVER)));
        assertNull(shard.read(read("v2", WEIGHTS, 2, 2, 1, 3, 0, NEVER)));
        assertNull(shard.read(new ShardRead<>("barrier", ShardRead.NO_TABLE, new int[0], 1, 2, 1, 0, NEVER)));
        shard.flush(RUN, 0, 0, List.of());
        shard.flush(RUN, 1, 0, List.of());
        shard.flush(RUN, 0, 1, List.of());
        shard.flush(RUN, 1, 1, List.of());
        List<ServedRead<String>> released = shard.flush(RUN, 2, 0, List.of()).released();
        assertEquals(List.of("v1", "barrier"), released.stream().map(ServedRead::token).toList());
        assertEquals(ShardRead.NO_TABLE, released.get(1).rows().tableId());
        assertEquals(0, released.get(1).rows().size());
        assertEquals(1, shard.waitingReads());
        assertEquals(List.of("v2"), shard.flush(RUN, 2, 1, List.of()).released().stream()
                .map(ServedRead::token).toList());
        assertEquals(2, shard.minClock());
    }

    @Test
    void answerIsACopyThatLaterFlushesDoNotChange() {
        shard.flush(RUN, 0, 0, inc(WEIGHTS, 0, 0, 1));
        RowValues answered = shard.read(read("r", WEIGHTS, 0, 0, 0, 1, 0, NEVER)).rows().values()[0];
        shard.flush(RUN, 0, 1, inc(WEIGHTS, 0, 0, 1));
        assertEquals(1.0, answered.get(0));
        assertEquals(2.0, rowNow(WEIGHTS, 0)[0]);
    }

    @Test
    void asyncReadNeverWaits() {
        ServedRead<String> s = shard.read(read("a", WORDS, 0, Long.MIN_VALUE, 1, 50, 0, NEVER));
        assertNotNull(s);
        assertEquals(0, shard.waitingReads());
    }

    @Test
    void expiredReadNamesTableWaitingWorkerAndSlowestWorker() {
        for (int c = 0; c < 3; c++) {
            shard.flush(RUN, 0, c, List.of());
            shard.flush(RUN, 1, c, List.of());
        }
        long arrival = 1_000_000_000L;
        long deadline = arrival + 300_000_000L;
        assertNull(shard.read(read("late", WEIGHTS, 2, 2, 1, 3, arrival, deadline)));

        assertTrue(shard.expire(deadline - 1).isEmpty(), "not before its deadline");
        assertEquals(1, shard.waitingReads());

        List<ExpiredRead<String>> expired = shard.expire(deadline);
        assertEquals(1, expired.size());
        assertEquals("late", expired.get(0).token());
        assertEquals("table 'weights': worker 1 at clock 3 waited 300 ms on shard 0 for worker 2, which is at "
                + "clock 0 while clock 2 is needed", expired.get(0).message());
        assertEquals(0, shard.waitingReads());
        assertTrue(shard.flush(RUN, 2, 0, List.of()).released().isEmpty(), "an expired read is never answered");
        assertTrue(shard.flush(RUN, 2, 1, List.of()).released().isEmpty());
    }

    @Test
    void expireComparesDeadlinesWithoutOverflow() {
        long arrival = Long.MAX_VALUE - 10;
        long deadline = arrival + 20; // wraps around to a negative number
        assertNull(shard.read(read("wrap", WEIGHTS, 0, 1, 0, 1, arrival, deadline)));
        assertTrue(shard.expire(arrival + 5).isEmpty());
        assertEquals(1, shard.expire(deadline).size());
    }

    @Test
    void expiredBarrierNamesTheBarrier() {
        shard.flush(RUN, 0, 0, List.of());
        assertNull(shard.read(new ShardRead<>("b", ShardRead.NO_TABLE, new int[0], 1, 0, 1, 0, 10)));
        String message = shard.expire(10).get(0).message();
        assertTrue(message.startsWith("global barrier: worker 0 at clock 1"), message);
        assertTrue(message.contains("for worker 1, which is at clock 0"), message);
    }

    @Test
    void expiredWaitForTheOthersNamesTheSlowestOtherWorkerNotTheWaiter() {
        shard.flush(RUN, 0, 0, List.of());
        shard.flush(RUN, 2, 0, List.of());
        shard.flush(RUN, 2, 1, List.of());
        assertNull(shard.read(ShardRead.awaitClock("w", true, 2, 1, 0, 0, 10)));
        assertEquals("wait for the other workers: worker 1 at clock 0 waited 0 ms on shard 0 for worker 0, which is "
                + "at clock 1 while clock 2 is needed", shard.expire(10).get(0).message());
    }

    @Test
    void readOfARowOnAnotherShardIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shard.read(new ShardRead<>("x", WEIGHTS.id(), new int[] {0, 5}, 0, 0, 0, 0, NEVER)));
        assertEquals("table 'weights' row 5 belongs to shard 1, not shard 0", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> shard.read(read("x", WEIGHTS, 10, 0, 0, 0, 0, NEVER)));
        assertEquals("shard 0: no table with id 5", assertThrows(IllegalArgumentException.class,
                () -> shard.read(new ShardRead<>("x", 5, new int[] {0}, 0, 0, 0, 0, NEVER))).getMessage());
        assertEquals(0, shard.waitingReads());
    }

    @Test
    void readThatNoActiveWorkerCouldEverServeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shard.read(read("x", WEIGHTS, 0, 1, 3, 1, 0, NEVER)));
        assertEquals("shard 0: a read for version 1 from worker 3 can never be served: no run with that worker is "
                + "active", e.getMessage());
        ShardState<String> noRun = new ShardState<>(0, TWO_SHARDS);
        noRun.createTable(WEIGHTS);
        assertThrows(IllegalArgumentException.class, () -> noRun.read(read("x", WEIGHTS, 0, 1, 0, 1, 0, NEVER)));
        assertNotNull(noRun.read(read("x", WEIGHTS, 0, 0, 0, 0, 0, NEVER)), "version 0 needs no run");
        assertEquals(0, noRun.minClock());
    }

    @Test
    void beginRunFailsReadsWaitingFromTheOldRunAndRestartsClocks() {
        shard.flush(RUN, 0, 0, inc(WEIGHTS, 0, 0, 5));
        assertNull(shard.read(read("old", WEIGHTS, 0, 1, 0, 1, 0, NEVER)));
        List<ExpiredRead<String>> failed = shard.beginRun(RUN + 1, 2);
        assertEquals(1, failed.size());
        assertEquals("old", failed.get(0).token());
        assertEquals("shard 0: run 7 was replaced by run 8 while a read waited", failed.get(0).message());
        assertEquals(0, shard.waitingReads());
        assertEquals(RUN + 1, shard.runId());
        assertEquals(0, shard.clockOf(0));
        assertEquals(0, shard.minClock());
        assertEquals(5.0, rowNow(WEIGHTS, 0)[0], "table contents survive a new run");

        assertThrows(IllegalArgumentException.class, () -> shard.flush(RUN, 1, 0, List.of()), "old run");
        assertThrows(IllegalArgumentException.class, () -> shard.flush(RUN + 1, 2, 0, List.of()), "only 2 workers");
        shard.flush(RUN + 1, 0, 0, List.of());
        assertTrue(shard.flush(RUN + 1, 1, 0, List.of()).released().isEmpty(), "the old read is gone");
    }

    @Test
    void creatingTheSameTableAgainIsANoOpButAnotherSpecIsAnError() {
        shard.flush(RUN, 0, 0, inc(WEIGHTS, 0, 0, 5));
        shard.createTable(new TableRef(1, TableSpec.dense("weights", 10, 3).staleness(1)));
        assertEquals(5.0, rowNow(WEIGHTS, 0)[0], "recreating kept the rows");
        assertEquals(2, shard.tableCount());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> shard.createTable(new TableRef(1, TableSpec.dense("weights", 10, 4))));
        assertTrue(e.getMessage().startsWith("table id 1 is already 'weights'"), e.getMessage());
    }

    @Test
    void droppingATableForgetsItsRowsAndIsIdempotent() {
        shard.flush(RUN, 0, 0, inc(WEIGHTS, 0, 0, 5));
        shard.dropTable(WEIGHTS.id());
        shard.dropTable(WEIGHTS.id());
        assertEquals(1, shard.tableCount());
        assertThrows(IllegalArgumentException.class, () -> shard.table(WEIGHTS.id()));
        shard.createTable(WEIGHTS);
        assertEquals(0, shard.readRange(WEIGHTS.id(), 0, 10).size());
    }

    @Test
    void readOfADroppedTableExpiresNamingTheTableIdAndIsNeverServed() {
        assertNull(shard.read(read("orphan", WEIGHTS, 0, 1, 0, 1, 0, 100)));
        shard.dropTable(WEIGHTS.id());
        for (int w = 0; w < 3; w++) {
            int worker = w;
            assertTrue(assertDoesNotThrow(() -> shard.flush(RUN, worker, 0, List.of())).released().isEmpty());
        }
        assertEquals(1, shard.waitingReads());
        List<ExpiredRead<String>> expired = assertDoesNotThrow(() -> shard.expire(100));
        assertEquals(1, expired.size());
        assertTrue(expired.get(0).message().startsWith("table id 1 (dropped): worker 0 at clock 1"),
                expired.get(0).message());
    }

    @Test
    void readRangeCopiesMaterialisedRowsInOrder() {
        shard.flush(RUN, 0, 0, List.of(inc(WORDS, 8, 3, 1).get(0), inc(WORDS, 2, 4, 2).get(0),
                inc(WORDS, 6, 5, 3).get(0)));
        RowsSnapshot s = shard.readRange(WORDS.id(), 2, 8);
        assertArrayEquals(new int[] {2, 6}, s.rows());
        assertEquals(2.0, s.values()[0].get(4));
        assertEquals(0, s.version());
        s.values()[0].add(4, 100);
        assertEquals(2.0, shard.readRange(WORDS.id(), 2, 3).values()[0].get(4), "a snapshot owns its rows");
    }

    @Test
    void shardIndexMustBeOneOfThePartitionersShards() {
        assertEquals("shardIndex : 2 (expected: 0 <= shardIndex < 2)",
                assertThrows(IllegalArgumentException.class, () -> new ShardState<>(2, TWO_SHARDS)).getMessage());
    }
    @Test
    void anAsyncFlushPushesTheRowsTheFlushingProcessReadBackToItAlone() {
        TableRef async = new TableRef(3, TableSpec.dense("async", 10, 3).consistency(Consistency.async()));
        shard.createTable(async);
        assertNotNull(shard.read(new ShardRead<>("p read", async.id(), new int[] {0, 2}, Long.MIN_VALUE, 0, 0,
                0, NEVER, "process p")));
        assertNotNull(shard.read(new ShardRead<>("q read", async.id(), new int[] {4}, Long.MIN_VALUE, 1, 0,
                0, NEVER, "process q")));
        assertNotNull(shard.read(new ShardRead<>("p weights", WEIGHTS.id(), new int[] {6}, 0, 0, 0, 0, NEVER,
                "process p")));
        FlushResult<String> r = shard.flush(RUN, 0, 0, inc(async, 2, 0, 5), false, "process p");
        assertEquals(1, r.pushes().size(), "only p, only its ASYNC table: " + r.pushes());
        ShardPush push = r.pushes().get(0);
        assertEquals("process p", push.subscriber());
        assertEquals(async.id(), push.rows().tableId());
        assertArrayEquals(new int[] {0, 2}, push.rows().rows());
        assertArrayEquals(new double[] {5, 0, 0}, push.rows().values()[1].toArray(), "holds the flush itself");
        assertTrue(shard.flush(RUN, 0, 1, List.of(), true, "process p").pushes().isEmpty(),
                "a last flush ends the worker: nothing to refresh");
        assertTrue(shard.flush(RUN, 1, 0, List.of(), false, null).pushes().isEmpty(), "an unknown flusher");
    }
}
