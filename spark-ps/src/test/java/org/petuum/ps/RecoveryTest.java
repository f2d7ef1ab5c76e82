package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        return run(table, failAtClock, killJvm, (row, clock) -> clock + 1);
    }

    /** What a worker adds to its column of {@code row} in clock {@code clock}. */
    private interface Increment extends java.io.Serializable {
        double of(int row, int clock);
    }

    private static List<Integer> run(String table, int failAtClock, boolean killJvm, Increment increment) {
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        // Fail once only: the marker file tells a relaunched worker that the failure already happened.
        String marker = checkpoints.resolve("failed-once-" + table).toString();
        return ps.runWorkers(data, (worker, it) -> {
            int started = worker.currentClock();
            PsTable t = worker.table(table);
            for (int c = worker.currentClock(); c < CLOCKS; c++) {
                // The read keeps the workers within the staleness bound of each other, so when worker 1 fails
                // at clock c every worker has completed at least c - 1 clocks and a checkpoint exists.
                t.get(0);
                // Clocks of real work take time; without it a crash can come before a checkpoint is on disk.
                Thread.sleep(20);
                if (c == failAtClock && worker.id() == 1 && new java.io.File(marker).createNewFile()) {
                    if (killJvm) {
                        Runtime.getRuntime().halt(137); // an executor crash, not an exception
                    }
                    throw new IllegalStateException("injected failure of worker 1 at clock " + c);
                }
                for (int r = 0; r < ROWS; r++) {
                    t.inc(r, worker.id(), increment.of(r, c));
                }
                worker.clock();
            }
            return started;
        });
    }

    private static void assertExactSums(String table) {
        double expected = CLOCKS * (CLOCKS + 1) / 2.0;
        double[][] cells = ps.readDense(table);
        for (int r = 0; r < ROWS; r++) {
            assertArrayEquals(new double[] {expected, expected}, cells[r], "row " + r + " of " + table);
        }
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
        String marker = checkpoints.resolve("failed-once-" + table).toString();
        String root = checkpoints.toString();
        List<Integer> started = ps.runWorkers(jsc.parallelize(List.of(0, 1), 2), (worker, it) -> {
            int from = worker.currentClock();
            PsTable t = worker.table(table);
            for (int c = from; c < CLOCKS; c++) {
                t.get(0);
                Thread.sleep(20);
                if (c == 8 && worker.id() == 1 && new java.io.File(marker).createNewFile()) {
                    corruptShardZerosImage(root, 6);
                    throw new IllegalStateException("injected failure after corrupting the checkpoint of clock 6");
                }
                for (int r = 0; r < ROWS; r++) {
                    t.inc(r, worker.id(), c + 1);
                }
                worker.clock();
            }
            return from;
        });
        assertEquals(List.of(3, 3), started, "both workers resume from the checkpoint before the corrupted one");
        assertExactSums(table);
        ps.dropTable(table);
    }

    /** Waits (at most 20 s) until shard 0 has written its image of {@code clock}, then flips a byte in the middle. */
    private static void corruptShardZerosImage(String root, int clock) throws Exception {
        String folder = String.format(java.util.Locale.ROOT, "clock-%010d", clock);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(Path.of(root))) {
                java.util.Optional<Path> image = all.filter(f -> f.getFileName().toString().startsWith("shard-0-of-")
                        && f.getFileName().toString().endsWith(".ckpt")
                        && f.getParent().getFileName().toString().equals(folder)).findFirst();
                if (image.isPresent()) {
                    byte[] bytes = java.nio.file.Files.readAllBytes(image.get());
                    bytes[bytes.length / 2] ^= 0x5a;
                    java.nio.file.Files.write(image.get(), bytes);
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("shard 0 never wrote its image of clock " + clock + " under " + root);
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
        String marker = checkpoints.resolve("failed-once-" + table).toString();
        String interrupted = checkpoints.resolve("interrupted-" + table).toString();
        List<Integer> started = ps.runWorkers(jsc.parallelize(List.of(0, 1), 2), (worker, it) -> {
            int from = worker.currentClock();
            PsTable t = worker.table(table);
            boolean failing = new java.io.File(marker).exists() == false;
            for (int c = from; c < CLOCKS; c++) {
                t.get(0);
                if (c == 4 && failing && worker.id() == 1 && new java.io.File(marker).createNewFile()) {
                    Thread.sleep(500); // let worker 0 fall asleep
                    throw new IllegalStateException("injected failure of worker 1 at clock 4");
                }
                if (c == 4 && failing && worker.id() == 0) {
                    try {
                        Thread.sleep(120_000);
                    } catch (InterruptedException e) {
                        new java.io.File(interrupted).createNewFile();
                        throw e;
                    }
                }
                for (int r = 0; r < ROWS; r++) {
                    t.inc(r, worker.id(), c + 1);
                }
                worker.clock();
            }
            return from;
        });
        assertTrue(new java.io.File(interrupted).exists(), "worker 0 of the failed attempt was interrupted");
        assertEquals(started.get(0), started.get(1));
        assertTrue(started.get(0) == 0 || started.get(0) == 3, "resumed at a checkpoint clock: " + started);
        assertExactSums(table);
        ps.dropTable(table);
    }
}
