package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.TableSpec;
import org.petuum.ssp.UpdateRule;

/**
 * Updates a worker makes after its last {@code clock()}, or without ever clocking, reach the tables exactly once
 * when its function returns, under every consistency model and in every kind of run, on two executor JVMs; and
 * none of them when the function throws. Worker {@code w} adds to column {@code w} only, so every cell has one
 * writer and its expected value is exact, also in a table whose shards step AdaGrad.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TrailingUpdatesTest {
    private static final int ROWS = 6;
    /** Columns: one per Spark worker, and one for the driver's worker of a scheduled run. */
    private static final int COLS = 3;
    private static final int CLOCKS = 5;
    private static final double TRAILING = 10;
    private static final int NEVER_CLOCKED_INCS = 7;
    private static final double LEARNING_RATE = 0.5;
    private static final double EPSILON = 1e-8;

    @TempDir
    static Path checkpoints;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = CheckpointedCluster.start("TrailingUpdatesTest", checkpoints, 2, "30s");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps = PsContext.get(spark);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** A table's consistency model and update rule. */
    record Model(String label, Consistency consistency, boolean adaGrad) {
        TableSpec spec(String name) {
            TableSpec spec = TableSpec.dense(name, ROWS, COLS).consistency(consistency);
            return adaGrad ? spec.updateRule(UpdateRule.adaGrad(LEARNING_RATE, EPSILON)) : spec;
        }

        /** A cell's value after steps of these (summed) increments, each a clock or a last flush. */
        double after(double... steps) {
            double value = 0;
            double squares = 0;
            for (double g : steps) {
                if (adaGrad) {
                    squares += g * g;
                    value -= LEARNING_RATE * g / (Math.sqrt(squares) + EPSILON);
                } else {
                    value += g;
                }
            }
            return value;
        }

        /** {@code clocks} clocks that each add 1, then {@code trailing} after the last. */
        double afterClocks(int clocks, double trailing) {
            double[] steps = new double[clocks + 1];
            Arrays.fill(steps, 1);
            steps[clocks] = trailing;
            return after(steps);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Model> models() {
        return Stream.of(new Model("BSP", Consistency.bsp(), false),
                new Model("SSP(1)", Consistency.ssp(1), false),
                new Model("ESSP(1)", Consistency.essp(1), false),
                new Model("ASYNC", Consistency.async(), false),
                new Model("VALUE_BOUND(100)", Consistency.valueBound(100), false),
                new Model("SSP(1) with AdaGrad", Consistency.ssp(1), true));
    }

    private static JavaRDD<Integer> twoPartitions() {
        return jsc.parallelize(List.of(0, 1), 2);
    }

    /** Worker 0 clocks {@code CLOCKS} times, worker 1 two clocks fewer: the others must not wait for it. */
    private static int clocksOf(int worker) {
        return worker == 0 ? CLOCKS : CLOCKS - 2;
    }

    /** Adds {@code delta} to column {@code col} of every row. */
    private static void incAll(PsTable t, int col, double delta) {
        for (int r = 0; r < ROWS; r++) {
            t.inc(r, col, delta);
        }
    }

    private static void assertColumns(String table, Model m, double[] expected) {
        double[][] cells = ps.readDense(table);
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                assertEquals(expected[c], cells[r][c], 1e-12, m + ": table " + table + " row " + r + " column " + c);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void updatesAfterTheLastClockOrWithoutAnyClockEndWithExactSums(Model m) {
        String id = m.label().replaceAll("[^A-Za-z0-9]", "");
        double[] afterClocks = {m.afterClocks(clocksOf(0), TRAILING), m.afterClocks(clocksOf(1), TRAILING), 0};

        // runWorkers: a function that never clocks.
        String neverClocked = "never-clocked-" + id;
        ps.createTable(m.spec(neverClocked));
        ps.runWorkers(twoPartitions(), (worker, it) -> {
            PsTable t = worker.table(neverClocked);
            for (int k = 0; k < NEVER_CLOCKED_INCS; k++) {
                incAll(t, worker.id(), 1);
            }
            return worker.currentClock();
        });
        double once = m.after(NEVER_CLOCKED_INCS);
        assertColumns(neverClocked, m, new double[] {once, once, 0});

        // runWorkers: clocks, then increments after the last clock. Worker 1 stops two clocks early; worker 0's
        // reads must neither wait for it nor, under a clock bound, miss any of its updates.
        String trailing = "trailing-" + id;
        ps.createTable(m.spec(trailing));
        List<double[]> lastReads = ps.runWorkers(twoPartitions(), (worker, it) -> {
            PsTable t = worker.table(trailing);
            double[] seen = null;
            for (int c = worker.currentClock(); c < clocksOf(worker.id()); c++) {
                seen = t.get(0);
                incAll(t, worker.id(), 1);
                worker.clock();
            }
            incAll(t, worker.id(), TRAILING);
            return worker.id() == 0 ? t.get(0) : seen;
        });
        assertColumns(trailing, m, afterClocks);
        if (m.consistency().bounded()) {
            assertEquals(afterClocks[1], lastReads.get(0)[1], 1e-12,
                    m + ": worker 0's last read holds every update of the finished worker 1");
        }

        // run: the runner clocks after every call, so there is nothing after the last clock; still exact.
        String clocked = "run-" + id;
        ps.createTable(m.spec(clocked));
        ps.run(twoPartitions(), CLOCKS, (worker, partition, clock) -> incAll(worker.table(clocked), worker.id(), 1));
        double[] ones = new double[CLOCKS];
        Arrays.fill(ones, 1);
        assertColumns(clocked, m, new double[] {m.after(ones), m.after(ones), 0});

        // runScheduled: the Spark workers update after their last clock, the driver's worker never clocks.
        String scheduled = "scheduled-" + id;
        ps.createTable(m.spec(scheduled));
        ScheduledRun<Integer, Integer> run = ps.runScheduled(twoPartitions(), (worker, it) -> {
            PsTable t = worker.table(scheduled);
            for (int c = worker.currentClock(); c < clocksOf(worker.id()); c++) {
                incAll(t, worker.id(), 1);
                worker.clock();
            }
            incAll(t, worker.id(), TRAILING);
            return worker.currentClock();
        }, self -> {
            PsTable t = self.table(scheduled);
            for (int k = 0; k < NEVER_CLOCKED_INCS; k++) {
                incAll(t, self.id(), 1);
            }
            return self.id();
        });
        assertEquals(2, run.driver());
        assertColumns(scheduled, m, new double[] {afterClocks[0], afterClocks[1], once});

        for (String t : List.of(trailing, neverClocked, clocked, scheduled)) {
            ps.dropTable(t);
        }
    }

    @Test
    void aWorkerThatFailsAfterTrailingUpdatesAppliesNoneAndTheRecoveredRunIsExact() throws Exception {
        // runWorkers recovers from the newest checkpoint: every update is applied once in the end, the trailing
        // updates of both workers included.
        ps.createTable(TableSpec.dense("failed-recovered", ROWS, COLS).staleness(1));
        File marker = checkpoints.resolve("failed-once").toFile();
        String markerPath = marker.getPath();
        List<Integer> started = ps.runWorkers(twoPartitions(), (worker, it) -> {
            int first = worker.currentClock();
            PsTable t = worker.table("failed-recovered");
            for (int c = worker.currentClock(); c < CLOCKS; c++) {
                t.get(0);
                incAll(t, worker.id(), 1);
                worker.clock();
            }
            incAll(t, worker.id(), TRAILING);
            if (worker.id() == 1 && new File(markerPath).createNewFile()) {
                throw new IllegalStateException("injected failure after updates that follow the last clock");
            }
            return first;
        });
        assertTrue(marker.exists(), "the failure was injected");
        for (int s : started) {
            assertTrue(s % 2 == 0 && s < CLOCKS, "the workers resumed at a checkpoint clock: " + started);
        }
        double[] row = {CLOCKS + TRAILING, CLOCKS + TRAILING, 0};
        double[][] recovered = ps.readDense("failed-recovered");
        for (int r = 0; r < ROWS; r++) {
            assertArrayEquals(row, recovered[r], "row " + r);
        }
        ps.dropTable("failed-recovered");

        // A scheduled run is not recovered: what the tables hold afterwards is what the failed attempt applied.
        ps.createTable(TableSpec.dense("failed-scheduled", ROWS, COLS).staleness(1));
        Exception failed = assertThrows(Exception.class, () -> ps.runScheduled(twoPartitions(), (worker, it) -> {
            PsTable t = worker.table("failed-scheduled");
            for (int c = 0; c < CLOCKS - 1; c++) {
                incAll(t, worker.id(), 1);
                worker.clock();
            }
            incAll(t, worker.id(), 1);
            worker.globalBarrier(); // every clock so far is applied on every shard
            incAll(t, worker.id(), TRAILING);
            if (worker.id() == 1) {
                throw new IllegalStateException("injected failure after updates that follow the last clock");
            }
            return 0;
        }, self -> 0));
        assertTrue(String.valueOf(failed).contains("injected failure") || causeMentions(failed, "injected failure"),
                String.valueOf(failed));
        double[][] cells = ps.readDense("failed-scheduled");
        for (int r = 0; r < ROWS; r++) {
            assertEquals(CLOCKS, cells[r][1], "row " + r + ": the failed worker's clocks, none of its trailing updates");
            assertTrue(cells[r][0] == CLOCKS || cells[r][0] == CLOCKS + TRAILING,
                    "row " + r + ": worker 0 applied its last flush whole or not at all: " + cells[r][0]);
        }
        ps.dropTable("failed-scheduled");
    }

    private static boolean causeMentions(Throwable t, String text) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (String.valueOf(c.getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }
}
