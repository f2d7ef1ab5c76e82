package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ssp.TableSpec;

/** The embedded default: Spark local mode with the shard server inside the driver JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalModeTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("LocalModeTest")
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config(PsConf.READ_TIMEOUT, "6s")
                .config(PsConf.MAX_RUN_ATTEMPTS, "1")
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
    void runAppliesEveryIncrementOfEveryClockExactlyOnce() {
        ps.createTable(TableSpec.dense("local-counts", 10, 2).staleness(1));
        JavaRDD<Integer> data = jsc.parallelize(List.of(1, 2, 3, 4), 2);
        RunSummary summary = ps.run(data, 5, (worker, part, clock) -> {
            PsTable t = worker.table("local-counts");
            for (int row = 0; row < 10; row++) {
                for (int x : part) {
                    t.inc(row, worker.id(), x);
                }
            }
        });
        assertEquals(2, summary.workers());
        double[][] cells = ps.readDense("local-counts");
        for (int row = 0; row < 10; row++) {
            assertArrayEquals(new double[] {5 * (1 + 2), 5 * (3 + 4)}, cells[row], "row " + row);
        }
        ps.dropTable("local-counts");
    }

    @Test
    void aWorkerSeesTheOtherWorkersUpdatesWithinTheStalenessBound() {
        ps.createTable(TableSpec.dense("local-bound", 1, 2).staleness(1));
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        List<Integer> violations = ps.runWorkers(data, (worker, it) -> {
            PsTable t = worker.table("local-bound");
            int bad = 0;
            for (int c = 0; c < 20; c++) {
                double[] row = t.get(0);
                int other = 1 - worker.id();
                // Every update of the other worker's clocks < c - 1 must be there, and all of our own.
                if (row[other] < c - 1 || row[worker.id()] != c) {
                    bad++;
                }
                t.inc(0, worker.id(), 1);
                worker.clock();
            }
            return bad;
        });
        assertEquals(List.of(0, 0), violations);
        ps.dropTable("local-bound");
    }

    @Test
    void aRunWithMorePartitionsThanSlotsFailsFastNamingBothNumbers() {
        JavaRDD<Integer> data = jsc.parallelize(List.of(1, 2, 3), 3);
        PsException e = assertThrows(PsException.class, () -> ps.run(data, 1, (w, p, c) -> { }));
        assertTrue(e.getMessage().contains("3 partitions") && e.getMessage().contains("2 task slots"), e.getMessage());
    }

    @Test
    void aWorkerWaitingForAWorkerThatNeverClocksTimesOutNamingTableWorkerAndClocks() {
        ps.createTable(TableSpec.dense("local-stuck", 1, 1).staleness(0));
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        SparkException e = assertThrows(SparkException.class, () -> ps.runWorkers(data, (worker, it) -> {
            PsTable t = worker.table("local-stuck");
            if (worker.id() == 0) {
                t.inc(0, 0, 1);
                worker.clock();
                worker.clock();
                t.get(0); // needs worker 1 at clock 2; worker 1 never clocks
            } else {
                Thread.sleep(9000);
            }
            return 0;
        }));
        String m = e.getMessage();
        assertTrue(m.contains("table 'local-stuck'") && m.contains("worker 0 at clock 2")
                && m.contains("for worker 1, which is at clock 0") && m.contains("clock 2 is needed"), m);
        ps.dropTable("local-stuck");
    }

    @Test
    void aScheduledRunLetsTheDriverPublishEachRoundAndReadTheWorkersResults() {
        ps.createTable(TableSpec.dense("sched-assign", 1, 1));
        ps.createTable(TableSpec.dense("sched-result", 1, 2));
        int rounds = 6;
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        ScheduledRun<Integer, List<Double>> run = ps.runScheduled(data, (worker, it) -> {
            PsTable assign = worker.table("sched-assign");
            PsTable result = worker.table("sched-result");
            worker.clock(); // round r's assignment is published in the driver's clock r
            for (int r = 0; r < rounds; r++) {
                double a = assign.get(0)[0];
                result.inc(0, worker.id(), a * (worker.id() + 1));
                worker.clock();
            }
            return worker.id();
        }, self -> {
            PsTable assign = self.table("sched-assign");
            PsTable result = self.table("sched-result");
            List<Double> seen = new java.util.ArrayList<>();
            double published = 0;
            for (int r = 0; r < rounds; r++) {
                assign.inc(0, 0, (r + 1) - published);
                published = r + 1;
                self.clock();
                self.awaitOthers(r + 2); // every worker has pushed its result of round r
                double[] row = result.get(0);
                seen.add(row[0] + row[1]);
            }
            return seen;
        });
        assertEquals(List.of(0, 1), run.workers());
        // After round r the results hold sum_{k<=r} (k + 1) * (1 + 2).
        List<Double> expected = new java.util.ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            expected.add(3.0 * (r + 1) * (r + 2) / 2);
        }
        assertEquals(expected, run.driver());
        ps.dropTable("sched-assign");
        ps.dropTable("sched-result");
    }

    private static final java.util.concurrent.CountDownLatch FIRST_STARTED = new java.util.concurrent.CountDownLatch(1);
    private static final java.util.concurrent.CountDownLatch FIRST_MAY_END = new java.util.concurrent.CountDownLatch(1);

    @Test
    void aSecondRunWhileOneIsActiveIsRefusedNamingTheFirst() throws Exception {
        ps.createTable(TableSpec.dense("local-one-at-a-time", 1, 1));
        JavaRDD<Integer> one = jsc.parallelize(List.of(1), 1);
        java.util.concurrent.CompletableFuture<List<Integer>> first = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> ps.runWorkers(one, (worker, it) -> {
                    worker.table("local-one-at-a-time").inc(0, 0, 1);
                    FIRST_STARTED.countDown();
                    if (!FIRST_MAY_END.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the first run end");
                    }
                    return 1;
                }));
        try {
            assertTrue(FIRST_STARTED.await(60, TimeUnit.SECONDS), "the first run never started");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ps.runWorkers(one, (worker, it) -> 2));
            assertTrue(e.getMessage().contains("still active") && e.getMessage().contains("one run at a time"),
                    e.getMessage());
        } finally {
            FIRST_MAY_END.countDown();
        }
        assertEquals(List.of(1), first.get(60, TimeUnit.SECONDS));
        assertEquals(List.of(2), ps.runWorkers(one, (worker, it) -> 2), "the next run starts once the first ended");
        assertEquals(1.0, ps.readDense("local-one-at-a-time")[0][0]);
        ps.dropTable("local-one-at-a-time");
    }
}
