package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ps.FaultInjection.ClockHook;
import org.petuum.ps.FaultInjection.Fault;
import org.petuum.ps.FaultInjection.Increment;
import org.petuum.ssp.TableSpec;
import org.petuum.ssp.UpdateRule;

/**
 * A run survives a task that fails and an executor JVM that dies: Spark relaunches the barrier stage, the
 * tables come back from the newest complete checkpoint, and the workers resume from its clock. Counters end
 * with the exact expected sums, equal to a failure-free run.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RecoveryTest {
    private static final int ROWS = 8;
    private static final int CLOCKS = 12;

    @TempDir
    static Path checkpoints;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = CheckpointedCluster.start("RecoveryTest", checkpoints, 3, "60s");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps = PsContext.get(spark);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /**
     * Every clock, worker w adds (clock + 1) to column w of every row; worker 1 fails once at {@code failAtClock}
     * (throws, or kills its JVM). Returns the clock each worker of the last attempt started at.
     */
    private static List<Integer> countingRun(String table, int failAtClock, boolean killJvm) {
        return run(table, failAtClock, killJvm, FaultInjection.COUNTING);
    }

    private static List<Integer> run(String table, int failAtClock, boolean killJvm, Increment increment) {
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        String root = checkpoints.toString();
        Fault fault = killJvm ? Fault.HALT : Fault.THROW;
        // Fail once only: the marker tells a relaunched worker that the failure already happened.
        ClockHook failOnce = (worker, c) -> {
            if (c == failAtClock && worker.id() == 1 && FaultInjection.once(root, "failed-once-" + table)) {
                FaultInjection.awaitMidRunCheckpoint(root, c, 30_000);
                fault.inject(root, -1, "worker 1 at clock " + c);
            }
        };
        return ps.runWorkers(data, (worker, it) ->
                FaultInjection.countingLoop(worker, table, ROWS, CLOCKS, 20, increment, failOnce));
    }

    private static void assertExactSums(String table) {
        FaultInjection.assertExactSums(ps, table, ROWS, CLOCKS, "recovery test");
    }

    @Test
    void aTaskThatFailsMidRunIsRecoveredFromACheckpointWithNothingLostOrDoubled() {
        ps.createTable(TableSpec.dense("recover-task", ROWS, 2).staleness(1));
        ps.createTable(TableSpec.dense("recover-reference", ROWS, 2).staleness(1));
        List<Integer> started = countingRun("recover-task", 7, false);

        for (int s : started) {
            assertTrue(s == 3 || s == 6, "workers resume at a checkpoint clock after 0: " + started);
        }
        assertExactSums("recover-task");
        countingRun("recover-reference", -1, false);
        assertArrayEquals(ps.readDense("recover-reference"), ps.readDense("recover-task"),
                "the recovered run ends with the same tables as a failure-free run");
        ps.dropTable("recover-task");
        ps.dropTable("recover-reference");
    }

    @Test
    void aKilledExecutorJvmIsReplacedAndTheRunCompletesWithExactSums() {
        List<String> before = ps.runWorkers(jsc.parallelize(List.of(0, 1), 2),
                (worker, it) -> SparkEnv.get().executorId());
        ps.createTable(TableSpec.dense("recover-kill", ROWS, 2).staleness(1));
        List<Integer> started = countingRun("recover-kill", 10, true);
        for (int s : started) {
            assertTrue(s == 3 || s == 6 || s == 9, "workers resume at a checkpoint clock after 0: " + started);
        }
        assertExactSums("recover-kill");
        List<String> after = ps.runWorkers(jsc.parallelize(List.of(0, 1), 2),
                (worker, it) -> SparkEnv.get().executorId());
        assertTrue(!after.containsAll(before), "an executor was replaced: before " + before + ", after " + after);
        assertEquals(2, ps.taskSlots());
        ps.dropTable("recover-kill");
    }

    /**
     * An AdaGrad table's steps depend on the sums of squared gradients so far: a recovered run ends as a
     * failure-free one only if its checkpoint held them. (Each cell gets gradients from one worker only, so the
     * order in which two workers' gradients reach a shard does not matter.)
     */
    @Test
    void aRecoveredRunOfAnAdaGradTableEndsAsAFailureFreeRunDoes() {
        UpdateRule rule = UpdateRule.adaGrad(0.5, 1e-8);
        ps.createTable(TableSpec.dense("recover-adagrad", ROWS, 2).staleness(1).updateRule(rule));
        ps.createTable(TableSpec.dense("recover-adagrad-reference", ROWS, 2).staleness(1).updateRule(rule));
        Increment gradient = (row, clock) -> (clock % 3 + 1) * (row + 1) * (clock % 2 == 0 ? 1 : -0.5);
        List<Integer> started = run("recover-adagrad", 7, false, gradient);
        for (int s : started) {
            assertTrue(s == 3 || s == 6, "workers resume at a checkpoint clock after 0: " + started);
        }
        run("recover-adagrad-reference", -1, false, gradient);
        double[][] expected = ps.readDense("recover-adagrad-reference");
        double[][] actual = ps.readDense("recover-adagrad");
        for (int r = 0; r < ROWS; r++) {
            assertArrayEquals(expected[r], actual[r], 1e-12, "row " + r + ": the recovered run ends as the "
                    + "failure-free one");
        }
        ps.dropTable("recover-adagrad");
        ps.dropTable("recover-adagrad-reference");
    }

    /**
     * Recovery passes over a checkpoint that a shard cannot read (here: a corrupted file) and restores every shard
     * from the next older complete one, instead of failing the run with the shards at different clocks.
     */
    @Test
    void aCheckpointThatCannotBeReadIsPassedOverForTheNextOlderOne() {
        String table = "recover-corrupt";
        ps.createTable(TableSpec.dense(table, ROWS, 2).staleness(1));
        String root = checkpoints.toString();
        ClockHook corruptThenFail = (worker, c) -> {
            if (c == 8 && worker.id() == 1 && FaultInjection.once(root, "failed-once-" + table)) {
                FaultInjection.corruptShardZerosImage(root, 6);
                throw new IllegalStateException("injected failure after corrupting the checkpoint of clock 6");
            }
        };
        List<Integer> started = ps.runWorkers(jsc.parallelize(List.of(0, 1), 2), (worker, it) ->
                FaultInjection.countingLoop(worker, table, ROWS, CLOCKS, 20, FaultInjection.COUNTING, corruptThenFail));
        assertEquals(List.of(3, 3), started, "both workers resume from the checkpoint before the corrupted one");
        assertExactSums(table);
        ps.dropTable(table);
    }

    /**
     * When worker 1 fails, Spark cancels worker 0's task; the runner has it interrupted, so a worker of the failed
     * attempt that is busy (here: asleep for up to two minutes) stops at once instead of holding its task slot, and
     * the run resumes.
     */
    @Test
    void aWorkerOfAFailedAttemptIsInterruptedAndStops() {
        String table = "recover-interrupt";
        ps.createTable(TableSpec.dense(table, ROWS, 2).staleness(1));
        String root = checkpoints.toString();
        String interrupted = checkpoints.resolve("interrupted-" + table).toString();
        List<Integer> started = ps.runWorkers(jsc.parallelize(List.of(0, 1), 2), (worker, it) -> {
            boolean failing = !FaultInjection.happened(root, "failed-once-" + table);
            ClockHook hook = (w, c) -> {
                if (c == 4 && failing && w.id() == 1 && FaultInjection.once(root, "failed-once-" + table)) {
                    Thread.sleep(500); // let worker 0 fall asleep
                    throw new IllegalStateException("injected failure of worker 1 at clock 4");
                }
                if (c == 4 && failing && w.id() == 0) {
                    try {
                        Thread.sleep(120_000);
                    } catch (InterruptedException e) {
                        new File(interrupted).createNewFile();
                        throw e;
                    }
                }
            };
            return FaultInjection.countingLoop(worker, table, ROWS, CLOCKS, 0, FaultInjection.COUNTING, hook);
        });
        assertTrue(new File(interrupted).exists(), "worker 0 of the failed attempt was interrupted");
        assertEquals(started.get(0), started.get(1));
        assertTrue(started.get(0) == 0 || started.get(0) == 3, "resumed at a checkpoint clock: " + started);
        assertExactSums(table);
        ps.dropTable(table);
    }
}
