package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.TableSpec;

/**
 * Seeded faults on {@code local-cluster[2,1,1024]}: in each run one worker throws, or its executor JVM halts, or a
 * shard's newest checkpoint image is corrupted before a worker throws; the other worker is busy or runs ahead as its
 * table's model lets it (BSP, SSP(1), ASYNC, VALUE_BOUND). Every run must end with the exact counter sums of a
 * failure-free run: nothing lost, nothing counted twice.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ChaosTest {
    private static final Logger LOG = LogManager.getLogger(ChaosTest.class);
    private static final int ROWS = 6;
    private static final int CLOCKS = 14;
    private static final Consistency[] MODELS = {Consistency.bsp(), Consistency.ssp(1), Consistency.async(),
            Consistency.valueBound(5)};
    private static final String[] FAULTS = {"throw", "halt", "corrupt"};

    @TempDir
    static Path checkpoints;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = CheckpointedCluster.start("ChaosTest", checkpoints, 2, "60s");
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
    void everySeededFaultEndsWithExactSums() {
        List<String> report = new ArrayList<>();
        for (int run = 0; run < 6; run++) {
            SplittableRandom random = new SplittableRandom(20261206L + run);
            Consistency model = MODELS[run % MODELS.length];
            String fault = FAULTS[run % FAULTS.length];
            int failAt = 5 + random.nextInt(CLOCKS - 7);
            int victim = random.nextInt(2);
            String table = "chaos-" + run;
            ps.createTable(TableSpec.dense(table, ROWS, 2).consistency(model));
            long start = System.nanoTime();
            chaosRun(table, fault, failAt, victim);
            double seconds = (System.nanoTime() - start) / 1e9;
            double expected = CLOCKS * (CLOCKS + 1) / 2.0;
            double[][] cells = ps.readDense(table);
            for (int r = 0; r < ROWS; r++) {
                assertArrayEquals(new double[] {expected, expected}, cells[r], "run " + run + " (" + model + ", "
                        + fault + " of worker " + victim + " at clock " + failAt + "), row " + r);
            }
            ps.dropTable(table);
            report.add(String.format(Locale.ROOT, "%s %s@%d w%d %.1fs", model, fault, failAt, victim, seconds));
        }
        LOG.info("chaos runs, all exact: {}", report);
    }

    private static void chaosRun(String table, String fault, int failAt, int victim) {
        String marker = checkpoints.resolve("failed-once-" + table).toString();
        String root = checkpoints.toString();
        ps.runWorkers(jsc.parallelize(List.of(0, 1), 2), (worker, it) -> {
            PsTable t = worker.table(table);
            for (int c = worker.currentClock(); c < CLOCKS; c++) {
                t.get(0);
                Thread.sleep(15);
                if (c == failAt && worker.id() == victim && new File(marker).createNewFile()) {
                    if (fault.equals("halt")) {
                        Runtime.getRuntime().halt(137);
                    }
                    if (fault.equals("corrupt")) {
                        corruptNewestImage(root);
                    }
                    throw new IllegalStateException("injected " + fault + " of worker " + victim + " at clock " + c);
                }
                for (int r = 0; r < ROWS; r++) {
                    t.inc(r, worker.id(), c + 1);
                }
                worker.clock();
            }
            return worker.currentClock();
        });
    }

    /** Flips a byte in the middle of shard 0's newest image (recovery must fall back to an older checkpoint). */
    private static void corruptNewestImage(String root) throws Exception {
        try (Stream<Path> all = Files.walk(Path.of(root))) {
            Optional<Path> newest = all.filter(f -> f.getFileName().toString().startsWith("shard-0-of-")
                            && f.getFileName().toString().endsWith(".ckpt"))
                    .max(Comparator.comparing(f -> f.getParent().getFileName().toString()));
            if (newest.isPresent()) {
                byte[] bytes = Files.readAllBytes(newest.get());
                bytes[bytes.length / 2] ^= 0x5a;
                Files.write(newest.get(), bytes);
            }
        }
    }
}
