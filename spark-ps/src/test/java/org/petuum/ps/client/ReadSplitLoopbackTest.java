package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * A worker's read of more rows than one request may carry (the rows-per-request limit, or an answer over the frame
 * limit) still returns every row: the worker splits it into several requests, and asks again in halves when a
 * shard refuses a request of sparse rows fuller than it could know. Two shard servers on loopback, no Spark.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadSplitLoopbackTest {
    private static final int SHARDS = 2;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, "64k",
            PsConf.MAX_ROWS_PER_REQUEST, "50",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "10s",
            PsConf.READ_TIMEOUT, "10s"));

    private LoopbackShards cluster;

    @BeforeEach
    void start() throws InterruptedException {
        cluster = new LoopbackShards(SHARDS, CONF);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void readOfMoreRowsThanTheLimitsAllowInOneRequestReturnsEveryRow() {
        // 1,000 doubles a row: 8 rows fit a 64 KiB answer, and 50 rows a request; 401 rows (one twice) are read.
        TableRef t = new TableRef(0, TableSpec.dense("weights", 400, 1000));
        RunPlan plan = cluster.beginRun(1, 1, CONF, List.of(t));
        RowValues[] rows = new RowValues[400];
        for (int r = 0; r < rows.length; r++) {
            double[] v = new double[1000];
            v[r % 1000] = r + 1;
            v[999] = -r;
            rows[r] = DenseRow.wrap(v);
        }
        put(t, rows);
        int[] ids = new int[401];
        for (int i = 0; i < 400; i++) {
            ids[i] = 399 - i;
        }
        ids[400] = 5;

        try (PsWorker worker = new PsWorker(cluster.client("executor", CONF), plan, 0)) {
            double[][] read = worker.table("weights").get(ids);
            for (int i = 0; i < ids.length; i++) {
                assertArrayEquals(rows[ids[i]].toArray(), read[i], "row " + ids[i]);
            }
            assertTrue(worker.fetches() >= 400 / 8, worker.fetches() + " requests");
        }
    }

    @Test
    void readOfSparseRowsTooFullForOneAnswerIsAskedAgainInHalves() {
        // 1,500 cells a row take 18 KB: a request of 40 rows per shard is refused until split to 3 rows or fewer.
        TableRef t = new TableRef(0, TableSpec.sparse("counts", 80, 1_000_000));
        RunPlan plan = cluster.beginRun(1, 1, CONF, List.of(t));
        RowValues[] rows = new RowValues[80];
        for (int r = 0; r < rows.length; r++) {
            int[] cols = new int[1500];
            double[] values = new double[1500];
            for (int k = 0; k < cols.length; k++) {
                cols[k] = k * 600 + r;
                values[k] = r + k * 0.5;
            }
            rows[r] = SparseRow.of(1_000_000, cols, values);
        }
        put(t, rows);
        int[] ids = new int[80];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }

        try (PsWorker worker = new PsWorker(cluster.client("executor", CONF), plan, 0)) {
            PsTable table = worker.table("counts");
            RowValues[] read = table.getRows(ids);
            for (int i = 0; i < ids.length; i++) {
                assertTrue(rows[i].equals(read[i]), "row " + i + " differs");
            }
            assertTrue(worker.fetches() > 2 * 80 / 3, worker.fetches() + " requests");
        }
    }

    /** Sets rows through the coordinator, one row a request so that each fits a frame. */
    private void put(TableRef t, RowValues[] rows) {
        RowPartitioner partitioner = new RowPartitioner(SHARDS);
        for (int r = 0; r < rows.length; r++) {
            ShardAddress shard = cluster.shards().get(partitioner.shardOf(r));
            int row = r;
            cluster.call(shard, seq -> new PutRows(seq, t.id(), new int[] {row}, new RowValues[] {rows[row]}));
        }
    }
}
