package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker's last flush: what it updated after its last clock is applied exactly once, the worker is finished
 * (reads stop waiting for it, without reading past any unfinished worker), and checkpoints never hold it.
 */
class LastFlushTest {
    private static final long RUN = 3;
    private static final long NEVER = Long.MAX_VALUE;
    /** One shard owns every row. */
    private static final RowPartitioner ONE_SHARD = new RowPartitioner(1);
    private static final TableRef SSP1 = new TableRef(1, TableSpec.dense("ssp1", 4, 3).staleness(1));

    private ShardState<String> shard;

    @BeforeEach
    void setUp() {
        shard = new ShardState<>(0, ONE_SHARD);
        shard.createTable(SSP1);
        shard.beginRun(RUN, 3, 0, 2);
    }

    private static List<RowUpdate> inc(int row, int col, double delta) {
        RowValues d = SSP1.spec().zeroRow();
        d.add(col, delta);
        return List.of(new RowUpdate(SSP1.id(), row, d));
    }

    private double cell(int row, int col) {
        RowsSnapshot s = shard.readRange(SSP1.id(), row, row + 1);
        return s.size() == 0 ? 0 : s.values()[0].get(col);
    }

    private ServedRead<String> read(String token, long minVersion, int worker, int clock) {
        return shard.read(new ShardRead<>(token, SSP1.id(), new int[] {0}, minVersion, worker, clock, 0, NEVER));
    }

    @Test
    void theLastFlushIsAppliedOnceAndItsRepeatIsDropped() {
        assertTrue(shard.flush(RUN, 0, 0, inc(0, 0, 1)).applied());
        assertTrue(shard.flush(RUN, 0, 1, inc(0, 0, 10), true).applied());
        assertTrue(shard.isFinished(0));
        assertEquals(1, shard.clockOf(0), "the clock of a finished worker stays at its last flush's clock");

        assertFalse(shard.flush(RUN, 0, 1, inc(0, 0, 10), true).applied(), "a resent last flush");
        assertFalse(shard.flush(RUN, 0, 0, inc(0, 0, 1)).applied(), "a resent earlier flush");
        assertEquals(11, cell(0, 0));
    }

    @Test
    void aFinishedWorkerSendsNothingMore() {
        shard.flush(RUN, 1, 0, List.of(), true);
        IllegalArgumentException later = assertThrows(IllegalArgumentException.class,
                () -> shard.flush(RUN, 1, 1, inc(0, 1, 5)));
        assertEquals("shard 0: worker 1 flushed clock 1 after its last flush, of clock 0", later.getMessage());
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                () -> shard.applyEarly(RUN, 1, 0, inc(0, 1, 5)));
        assertTrue(early.getMessage().contains("after its last flush"), early.getMessage());
        assertEquals(0, cell(0, 1));
    }

    @Test
    void aLastFlushForAClockAlreadyCompletedIsAnError() {
        shard.flush(RUN, 2, 0, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shard.flush(RUN, 2, 0, inc(0, 2, 1), true));
        assertTrue(e.getMessage().contains("has completed 1 clocks"), e.getMessage());
        assertFalse(shard.isFinished(2));
        assertEquals(0, cell(0, 2));
    }

    @Test
    void readsStopWaitingForAFinishedWorkerButStillWaitForTheOthers() {
        // Workers 0 and 1 run on; worker 2 stops after one clock with a trailing update.
        shard.flush(RUN, 2, 0, inc(0, 2, 1));
        for (int c = 0; c < 3; c++) {
            shard.flush(RUN, 0, c, inc(0, 0, 1));
        }
        shard.flush(RUN, 1, 0, inc(0, 1, 1));
        shard.flush(RUN, 1, 1, inc(0, 1, 1));
        // Worker 0 at clock 3 under SSP(1) needs version 2: worker 2 (at 1) holds it back.
        assertNull(read("w0", 2, 0, 3));
        assertEquals(1, shard.visibleClock());

        FlushResult<String> last = shard.flush(RUN, 2, 1, inc(0, 2, 10), true);
        assertEquals(1, last.released().size(), "the last flush releases the read that waited for worker 2");
        RowsSnapshot served = last.released().get(0).rows();
        assertEquals(2, served.version(), "the version is worker 1's clock, the slowest that still runs");
        assertArrayEquals(new double[] {3, 2, 11}, served.values()[0].toArray(),
                "a row of the finished worker holds all its updates, the trailing ones too");

        // A read past worker 1's clock still waits for worker 1, and the timeout names it, not worker 2.
        assertNull(read("w0-later", 3, 0, 4));
        List<ExpiredRead<String>> expired = shard.expire(NEVER);
        assertEquals(1, expired.size());
        assertTrue(expired.get(0).message().contains("for worker 1, which is at clock 2"), expired.get(0).message());
    }

    @Test
    void whenEveryWorkerHasFinishedNoReadWaits() {
        shard.flush(RUN, 0, 0, List.of(), true);
        shard.flush(RUN, 1, 0, inc(0, 1, 1));
        shard.flush(RUN, 1, 1, List.of(), true);
        shard.flush(RUN, 2, 0, inc(0, 2, 4), true);
        assertEquals(1, shard.visibleClock(), "the largest clock once all have finished");
        ServedRead<String> barrier = shard.read(new ShardRead<>("b", ShardRead.NO_TABLE, new int[0],
                1, 1, 1, 0, NEVER));
        assertNotNull(barrier);
    }

    @Test
    void checkpointsNeverHoldALastFlushAndStopOnceAWorkerHasFinished() {
        // Interval 2. Worker 0 finishes at clock 1 with a trailing update; the others reach clock 4.
        shard.flush(RUN, 0, 0, inc(0, 0, 1));
        shard.flush(RUN, 0, 1, inc(0, 0, 10), true);
        List<CheckpointImage> images = new java.util.ArrayList<>();
        for (int c = 0; c < 4; c++) {
            images.addAll(shard.flush(RUN, 1, c, inc(0, 1, 1)).checkpoints());
            images.addAll(shard.flush(RUN, 2, c, inc(0, 2, 1)).checkpoints());
        }
        assertTrue(images.isEmpty(), "the finished worker stays at clock 1, below the boundary 2: " + images);
        assertEquals(1, shard.minClock());
        assertEquals(4, shard.visibleClock());
        assertEquals(11, cell(0, 0));
    }

    @Test
    void aCheckpointTakenAfterALastFlushLeavesItOut() {
        // Worker 0 finishes at clock 2 (trailing +10) before the others reach the boundary 2.
        shard.flush(RUN, 0, 0, inc(0, 0, 1));
        shard.flush(RUN, 0, 1, inc(0, 0, 1));
        shard.flush(RUN, 0, 2, inc(0, 0, 10), true);
        shard.flush(RUN, 1, 0, inc(0, 1, 1));
        shard.flush(RUN, 1, 1, inc(0, 1, 1));
        shard.flush(RUN, 2, 0, inc(0, 2, 1));
        List<CheckpointImage> images = shard.flush(RUN, 2, 1, inc(0, 2, 1)).checkpoints();
        assertEquals(1, images.size());
        CheckpointImage atTwo = images.get(0);
        assertEquals(2, atTwo.clock());
        assertArrayEquals(new double[] {2, 2, 2}, atTwo.tables().get(0).values()[0].toArray(),
                "the image holds clocks 0 and 1 of every worker and none of worker 0's last flush");
        assertEquals(12, cell(0, 0));

        // Recovering from it, worker 0 runs clock 2 and its trailing updates again: applied once in all.
        shard.restore(atTwo);
        shard.beginRun(RUN + 1, 3, 2, 2);
        assertTrue(shard.flush(RUN + 1, 0, 2, inc(0, 0, 10), true).applied());
        assertEquals(12, cell(0, 0));
    }
}
