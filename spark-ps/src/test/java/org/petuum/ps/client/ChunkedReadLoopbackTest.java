package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * A worker's read of many dense rows goes out as several requests of about a megabyte each, all in flight at once
 * to both shards, and its answers are taken as they arrive: the read still returns exactly the rows asked for, in
 * the order asked, each as fresh as BSP demands and with the reader's own updates. Two workers on threads against
 * two shard servers on loopback (default frame limit), no Spark.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkedReadLoopbackTest {
    private static final int SHARDS = 2;
    private static final int WORKERS = 2;
    private static final int ROWS = 300;
    /** 4,096 doubles: 32 KiB a row, about 31 rows in a request of a megabyte. */
    private static final int COLS = 4096;
    private static final int CLOCKS = 3;

    private LoopbackShards cluster;
    private ExecutorService threads;

    @BeforeEach
    void start() throws InterruptedException {
        cluster = new LoopbackShards(SHARDS, LoopbackShards.TEST_CONF);
        threads = Executors.newFixedThreadPool(WORKERS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        cluster.closeAfter(threads);
    }

    @Test
    void aLargeReadSplitIntoRequestsInFlightAtOnceReturnsEveryRowInOrderAndWithinTheBound() throws Exception {
        TableRef t = new TableRef(0, TableSpec.dense("weights", ROWS, COLS));
        RunPlan plan = cluster.beginRun(1, WORKERS, LoopbackShards.TEST_CONF, List.of(t));
        RowPartitioner partitioner = new RowPartitioner(SHARDS);
        for (int r = 0; r < ROWS; r++) {
            // Cell 2 names the row, so a row returned in the wrong place shows.
            double[] v = new double[COLS];
            v[2] = r;
            v[COLS - 1] = -r;
            ShardAddress shard = cluster.shards().get(partitioner.shardOf(r));
            int row = r;
            cluster.call(shard, seq -> new PutRows(seq, t.id(), new int[] {row}, new RowValues[] {DenseRow.wrap(v)}));
        }
        // Every row, in a scrambled order, and row 7 twice.
        int[] ids = new int[ROWS + 1];
        for (int i = 0; i < ROWS; i++) {
            ids[i] = (i * 7 + 3) % ROWS;
        }
        ids[ROWS] = 7;

        LoopbackShards.runWorkers(threads, WORKERS, w -> {
            try (PsWorker worker = new PsWorker(cluster.client("executor " + w, LoopbackShards.TEST_CONF), plan, w)) {
                PsTable table = worker.table("weights");
                double[] delta = new double[COLS];
                delta[w] = 1;
                for (int c = 0; c < CLOCKS; c++) {
                    for (int r = 0; r < ROWS; r++) {
                        table.inc(r, delta);
                    }
                    worker.clock();
                    long before = worker.fetches();
                    double[][] read = table.get(ids);
                    // Each shard holds 150 rows, 31 of them to a request: 5 requests each, at least.
                    assertTrue(worker.fetches() - before >= 2 * 5, (worker.fetches() - before) + " requests");
                    assertEquals(ids.length, read.length);
                    for (int i = 0; i < ids.length; i++) {
                        int row = ids[i];
                        String where = "worker " + w + " clock " + c + " row " + row + " at position " + i;
                        assertEquals(row, read[i][2], where + ": the row asked for");
                        assertEquals(-row, read[i][COLS - 1], where);
                        // BSP: a read after clock c holds every worker's updates of clocks 0..c.
                        assertEquals(c + 1, read[i][0], where + ": worker 0's updates");
                        assertEquals(c + 1, read[i][1], where + ": worker 1's updates");
                    }
                    // The caller owns what it got: changing it changes nothing the next read returns.
                    read[0][2] = -1;
                    assertEquals(ids[0], table.get(ids[0])[2], "a read's arrays are the caller's own");
                }
            }
        });
    }
}
