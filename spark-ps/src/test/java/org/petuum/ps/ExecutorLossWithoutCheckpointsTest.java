package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ssp.TableSpec;

/**
 * Checkpoints off: an executor lost between runs takes its shard's rows for good. The next run, on a new table,
 * works on the replacement executor; a table that held rows fails naming itself, the shard, the executor and why.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ExecutorLossWithoutCheckpointsTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("ExecutorLossWithoutCheckpointsTest")
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                .config(PsConf.CHECKPOINT_ENABLED, "false")
                .getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps = PsContext.get(spark);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void aRunAfterTheLossWorksAndTheTablesThatHeldRowsFailNamingThemselves() throws Exception {
        ps.createTable(TableSpec.dense("counted", 6, 2));
        ExecutorLossBetweenRunsTest.countingRun(ps, jsc, 3, "counted");
        ps.createTable(TableSpec.dense("empty", 6, 2));
        String lost = ExecutorHalts.haltOne(jsc);

        ps.createTable(TableSpec.dense("next", 6, 2));
        ExecutorLossBetweenRunsTest.countingRun(ps, jsc, 2, "next", "empty");
        ExecutorLossBetweenRunsTest.assertNotInLayout(ps, lost);
        ExecutorLossBetweenRunsTest.assertCounts(ps, "next", 3);
        ExecutorLossBetweenRunsTest.assertCounts(ps, "empty", 3);
        PsException e = assertThrows(PsException.class, () -> ps.readDense("counted"));
        assertTrue(e.getMessage().contains("'counted'") && e.getMessage().contains("executor " + lost)
                && e.getMessage().contains(PsConf.CHECKPOINT_ENABLED), e.getMessage());
        assertFalse(ps.tables().stream().anyMatch(t -> t.name().equals("counted")), ps.tables().toString());
        ps.dropTable("counted");
        ps.dropTable("next");
        ps.dropTable("empty");
    }
}
