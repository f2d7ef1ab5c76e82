package org.petuum.ps.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.server.ShardServer;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableSpec;

/**
 * The driver's side of the limits, against a real shard server on loopback (the layout of a local-mode
 * application, without starting Spark): reading back a table whose sparse rows are fuller than the driver can
 * know, and refusing a dense table too wide for a frame before any shard is asked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DriverLimitsTest {
    private static final int FRAME = 64 * 1024;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, String.valueOf(FRAME),
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "10s",
            PsConf.READ_TIMEOUT, "10s"));

    private ShardServer server;
    private DriverRuntime driver;

    @BeforeEach
    void start() throws InterruptedException {
        server = ShardServer.start("shard", CONF, "127.0.0.1");
        driver = new DriverRuntime(CONF);
        driver.register(RegisterShard.up("driver", "127.0.0.1", server.address().getPort()));
        driver.awaitLayout("local", new SparkConf(false));
    }

    @AfterEach
    void stop() {
        driver.close();
        server.close();
    }

    @Test
    void readOfATableWhoseSparseRowsAreFullerThanEstimatedReturnsEveryRow() {
        // 1,500 cells a row take 18 KB: far more than the range read's estimate, so ranges are refused and halved.
        int rows = 40;
        driver.createTable(TableSpec.sparse("counts", rows, 1_000_000));
        int[] ids = new int[rows];
        RowValues[] values = new RowValues[rows];
        for (int r = 0; r < rows; r++) {
            int[] cols = new int[1500];
            double[] v = new double[1500];
            for (int k = 0; k < cols.length; k++) {
                cols[k] = k * 600 + r;
                v[k] = r - k * 0.25;
            }
            ids[r] = r;
            values[r] = SparseRow.of(1_000_000, cols, v);
        }
        driver.write("counts", ids, values);

        RowValues[] read = driver.read("counts");

        for (int r = 0; r < rows; r++) {
            assertTrue(values[r].equals(read[r]), "row " + r + " differs");
        }
    }

    @Test
    void denseTableTooWideForAFrameIsRefusedBeforeAnyShardIsAsked() {
        int max = Rows.maxDenseCols(FRAME);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> driver.createTable(TableSpec.dense("huge", 10, max + 1)));
        assertTrue(e.getMessage().contains("table 'huge'") && e.getMessage().contains("[1, " + max + "]")
                && e.getMessage().contains(PsConf.MAX_FRAME_BYTES), e.getMessage());
        assertTrue(driver.tables().isEmpty());

        driver.createTable(TableSpec.dense("huge", 10, max));
        assertEquals(1, driver.tables().size());
    }
}
