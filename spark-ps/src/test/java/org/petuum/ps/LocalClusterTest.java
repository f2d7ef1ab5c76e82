package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * Real multi-JVM runs: {@code local-cluster[2,1,1024]} starts two executor JVMs, each with its own shard
 * server, and the workers talk to both over loopback TCP.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalClusterTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("LocalClusterTest")
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
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
    void everyExecutorJvmServesOneShard() {
        assertEquals(2, ps.shards().size(), ps.shards().toString());
        Set<String> executors = new TreeSet<>();
        for (ShardAddress s : ps.shards()) {
            executors.add(s.executorId());
        }
        assertEquals(Set.of("0", "1"), executors);
        assertEquals(2, ps.taskSlots());
    }

    @Test
    void everyCellEqualsTheExactSumOfAllWorkersIncrementsAcrossTwoJvms() {
        int rows = 64;
        int clocks = 12;
        int incsPerClock = 50;
        ps.createTable(TableSpec.dense("cluster-dense", rows, 3).staleness(2));
        ps.createTable(TableSpec.sparse("cluster-sparse", rows, 1_000_000).staleness(1));
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        List<String> where = ps.runWorkers(data, (worker, it) -> {
            PsTable dense = worker.table("cluster-dense");
            PsTable sparse = worker.table("cluster-sparse");
            for (int c = 0; c < clocks; c++) {
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < incsPerClock; k++) {
                        dense.inc(r, worker.id(), 1.0);
                        dense.inc(r, 2, 0.5);
                    }
                    sparse.inc(r, new int[] {999_999 - worker.id(), r}, new double[] {c + 1, 1});
                }
                worker.clock();
            }
            return SparkEnv.get().executorId() + "@" + ProcessHandle.current().pid();
        });
        assertEquals(2, new TreeSet<>(where).size(), "workers ran in one JVM: " + where);
        for (String w : where) {
            assertNotEquals("driver", w.substring(0, w.indexOf('@')));
        }

        double[][] d = ps.readDense("cluster-dense");
        RowValues[] s = ps.read("cluster-sparse");
        double sumOfClocks = clocks * (clocks + 1) / 2.0;
        for (int r = 0; r < rows; r++) {
            assertEquals(clocks * incsPerClock, d[r][0], "dense row " + r + " col 0");
            assertEquals(clocks * incsPerClock, d[r][1], "dense row " + r + " col 1");
            assertEquals(2 * clocks * incsPerClock * 0.5, d[r][2], "dense row " + r + " col 2");
            assertEquals(sumOfClocks, s[r].get(999_999), "sparse row " + r);
            assertEquals(sumOfClocks, s[r].get(999_998), "sparse row " + r);
            assertEquals(2 * clocks, s[r].get(r), "sparse row " + r + " diagonal");
            assertEquals(3, s[r].storedCells(), "sparse row " + r + " stores only touched cells");
        }
        ps.dropTable("cluster-dense");
        ps.dropTable("cluster-sparse");
    }

    @Test
    void aTaskOnOneExecutorReadsWhatATaskOnTheOtherWrote() {
        ps.createTable(TableSpec.dense("cluster-mailbox", 2, 1).staleness(3));
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        List<double[]> seen = ps.runWorkers(data, (worker, it) -> {
            PsTable box = worker.table("cluster-mailbox");
            // Each worker writes its own row (rows 0 and 1 live on different shards) ...
            box.inc(worker.id(), 0, 100 + worker.id());
            worker.globalBarrier();
            // ... and after the barrier reads the other's, written from the other executor JVM.
            return box.get(1 - worker.id());
        });
        assertEquals(101.0, seen.get(0)[0], "worker 0 reads worker 1's row");
        assertEquals(100.0, seen.get(1)[0], "worker 1 reads worker 0's row");
        ps.dropTable("cluster-mailbox");
    }

    @Test
    void tablesCanBeReadAsADataFrame() {
        ps.createTable(TableSpec.dense("cluster-frame", 4, 2));
        ps.runWorkers(jsc.parallelize(List.of(0, 1), 2), (worker, it) -> {
            worker.table("cluster-frame").inc(worker.id() * 2, new double[] {1, 2});
            worker.clock();
            return 0;
        });
        List<org.apache.spark.sql.Row> rows = ps.readAsDataFrame(spark, "cluster-frame").orderBy("row").collectAsList();
        assertEquals(2, rows.size());
        assertEquals(0, rows.get(0).getInt(0));
        assertEquals(2, rows.get(1).getInt(0));
        assertTrue(rows.get(1).getList(1).equals(List.of(1.0, 2.0)), rows.toString());
        ps.dropTable("cluster-frame");
    }
}
