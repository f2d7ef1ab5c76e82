package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ssp.TableSpec;

/**
 * Tables outlive an executor JVM lost between runs: the replacement executor takes the lost shard's index and its
 * rows come back from the image written at the end of the last successful run. A table changed after that image
 * cannot get its rows back: reading it fails naming it, the shard and the executor, and every other table works.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExecutorLossBetweenRunsTest {
    private static final int ROWS = 6;

    @TempDir
    static Path checkpoints;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = CheckpointedCluster.start("ExecutorLossBetweenRunsTest", checkpoints, 2, "60s");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps = PsContext.get(spark);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** Worker w adds (clock + 1) to column w of every row of every table named, for {@code clocks} clocks. */
    static void countingRun(PsContext ps, JavaSparkContext jsc, int clocks, String... tables) {
        ps.runWorkers(jsc.parallelize(List.of(0, 1), 2), (worker, it) -> {
            for (int c = worker.currentClock(); c < clocks; c++) {
                for (String name : tables) {
                    PsTable t = worker.table(name);
                    for (int r = 0; r < ROWS; r++) {
                        t.inc(r, worker.id(), c + 1);
                    }
                }
                worker.clock();
            }
            return 0;
        });
    }

    static void assertCounts(PsContext ps, String table, double each) {
        double[][] cells = ps.readDense(table);
        for (int r = 0; r < ROWS; r++) {
            assertArrayEquals(new double[] {each, each}, cells[r], table + ", row " + r);
        }
    }

    static void assertNotInLayout(PsContext ps, String executor) {
        for (ShardAddress s : ps.shards()) {
            assertFalse(s.executorId().equals(executor), "the layout still names lost executor " + executor + ": "
                    + ps.shards());
        }
        assertEquals(2, ps.shards().size());
    }

    @Test
    void readFreshTableAndNextRunWorkAfterAnExecutorIsLostBetweenRuns() throws Exception {
        ps.createTable(TableSpec.dense("kept", ROWS, 2).staleness(1));
        countingRun(ps, jsc, 4, "kept");
        String lost = ExecutorHalts.haltOne(jsc);

        assertCounts(ps, "kept", 10); // 1 + 2 + 3 + 4: the lost shard's rows came back from the last image
        assertNotInLayout(ps, lost);
        ps.createTable(TableSpec.dense("fresh", ROWS, 2));
        countingRun(ps, jsc, 3, "kept", "fresh");
        assertCounts(ps, "kept", 16);
        assertCounts(ps, "fresh", 6);
        ps.dropTable("kept");
        ps.dropTable("fresh");
    }

    @Test
    void aTableChangedAfterTheLastImageFailsNamingItAndTheOthersStayUsable() throws Exception {
        ps.createTable(TableSpec.dense("imaged", ROWS, 2));
        ps.createTable(TableSpec.dense("dropped", ROWS, 2));
        countingRun(ps, jsc, 2, "imaged", "dropped");
        ps.dropTable("dropped"); // in the image, gone from the tables: restoring the image must not bring it back
        ps.createTable(TableSpec.dense("written", ROWS, 2));
        double[][] ones = new double[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            ones[r] = new double[] {1, 1};
        }
        ps.writeDense("written", ones); // after the image: its rows on the lost shard cannot come back
        ps.createTable(TableSpec.dense("untouched", ROWS, 2));
        String lost = ExecutorHalts.haltOne(jsc);

        ps.createTable(TableSpec.dense("after", ROWS, 2)); // the first call after the loss heals the layout
        assertNotInLayout(ps, lost);
        assertCounts(ps, "imaged", 3);
        assertCounts(ps, "untouched", 0);
        PsException e = assertThrows(PsException.class, () -> ps.readDense("written"));
        assertTrue(e.getMessage().contains("'written'") && e.getMessage().contains("executor " + lost)
                && e.getMessage().contains("shard "), e.getMessage());
        assertEquals(List.of("imaged", "untouched", "after"), ps.tables().stream().map(t -> t.name()).toList());
        countingRun(ps, jsc, 2, "imaged", "after");
        assertCounts(ps, "imaged", 6);
        assertCounts(ps, "after", 3);
        ps.dropTable("written"); // its remains
        ps.createTable(TableSpec.dense("written", ROWS, 2)); // the name is free again
        assertCounts(ps, "written", 0);
        for (String t : List.of("imaged", "untouched", "after", "written")) {
            ps.dropTable(t);
        }
    }
}
