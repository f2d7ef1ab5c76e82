package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.Flush;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * {@link PsWorker#close()} and {@link PsWorker#abandon()} against two shard servers on loopback: what a worker
 * updated after its last clock arrives once, a repeated last flush is dropped, nothing unsent arrives after an
 * abandon, and a close that a shard refuses fails naming the shard and the table.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LastFlushLoopbackTest {
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));
    /** Rows 0 and 2 live on shard 0, rows 1 and 3 on shard 1. */
    private static final TableRef COUNTS = new TableRef(0, TableSpec.dense("counts", 4, 2).staleness(1));

    private LoopbackShards cluster;

    @BeforeEach
    void start() throws InterruptedException {
        cluster = new LoopbackShards(2, CONF);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void closeSendsWhatFollowsTheLastClockOnceAndARepeatIsDropped() {
        RunPlan plan = cluster.beginRun(1, 2, CONF, List.of(COUNTS));
        try (PsWorker worker = new PsWorker(cluster.client("a", CONF), plan, 0)) {
            PsTable t = worker.table("counts");
            t.inc(0, 0, 1);
            t.inc(1, 0, 1);
            worker.clock();
            t.inc(0, 0, 10);
            t.inc(3, 0, 10);
        }
        assertArrayEquals(new double[] {11, 1, 0, 10}, column(0));

        // The same last flush again, as after a reconnect: acknowledged, not applied.
        RowUpdate again = new RowUpdate(COUNTS.id(), 0, DenseRow.wrap(new double[] {10, 0}));
        Ack ack = assertInstanceOf(Ack.class, cluster.call(cluster.shards().get(0),
                seq -> new Flush(seq, plan.runId(), 0, 1, List.of(again), true)));
        assertFalse(ack.applied());
        assertArrayEquals(new double[] {11, 1, 0, 10}, column(0));
    }

    @Test
    void abandonSendsNothingUnsentAndEndsTheWorker() {
        RunPlan plan = cluster.beginRun(2, 1, CONF, List.of(COUNTS));
        PsWorker worker = new PsWorker(cluster.client("b", CONF), plan, 0);
        PsTable t = worker.table("counts");
        t.inc(2, 1, 1);
        worker.globalBarrier(); // returns once every shard has applied the clock
        t.inc(2, 1, 10);
        worker.abandon();
        worker.close(); // after abandon: nothing more is sent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.inc(2, 1, 5));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        // The clock's update is there; the abandoned increment never left the worker.
        assertArrayEquals(new double[] {0, 0, 1, 0}, column(1));
    }

    @Test
    void aCloseThatAShardRefusesFailsNamingTheShardAndTheTable() {
        RunPlan plan = cluster.beginRun(3, 1, CONF, List.of(COUNTS));
        PsWorker worker = new PsWorker(cluster.client("c", CONF), plan, 0);
        worker.table("counts").inc(1, 0, 1);
        // Shard 1 moves on to another run: it refuses this run's last flush.
        cluster.call(cluster.shards().get(1), seq -> new BeginRun(seq, 4, 1, 1, 2));
        PsException e = assertThrows(PsException.class, worker::close);
        assertTrue(e.getMessage().contains(cluster.shards().get(1) + " acknowledging"), e.getMessage());
        assertTrue(e.getMessage().contains("updates of table(s) 'counts'"), e.getMessage());
        assertTrue(e.getMessage().contains("run 3 is not the active run"), e.getMessage());
    }

    private double[] column(int col) {
        double[][] cells = cluster.readDense(COUNTS);
        double[] out = new double[cells.length];
        for (int r = 0; r < cells.length; r++) {
            out[r] = cells[r][col];
        }
        assertEquals(COUNTS.spec().rows(), out.length);
        return out;
    }
}
