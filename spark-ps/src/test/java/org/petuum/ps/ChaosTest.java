package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ps.FaultInjection.ClockHook;
import org.petuum.ps.FaultInjection.Fault;
import org.petuum.ps.internal.Runtimes;
import org.petuum.ps.metrics.DriverMetrics;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * Twenty seeded runs on {@code local-cluster[2,1,1024]}, each with several faults, one per attempt: the first
 * attempt fails by a task that throws (or corrupts shard 0's newest checkpoint image, then throws) and leaves a
 * {@link ZombieFlush zombie} behind; the second attempt wakes the zombie, which tries to flush and read with the
 * first attempt's identity, then fails too (every fifth run by halting its executor JVM); some runs fail a third
 * attempt. Faults come at seeded clocks and workers; models cycle BSP, SSP(1), ASYNC, VALUE_BOUND. Every run must
 * end with the exact counter sums of a failure-free run: nothing lost, nothing counted twice, nothing of a zombie's.
 *
 * <p>{@code -Dpetuum.chaos.seed=…} replays other seeds (the seed is in every assertion message).
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class ChaosTest {
    private static final Logger LOG = LogManager.getLogger(ChaosTest.class);
    private static final long SEED = Long.getLong("petuum.chaos.seed", 20261206L);
    private static final int RUNS = 20;
    private static final int ROWS = 6;
    private static final int CLOCKS = 12;
    private static final long SLEEP_MS = 10;
    private static final Consistency[] MODELS = {Consistency.bsp(), Consistency.ssp(1), Consistency.async(),
            Consistency.valueBound(5)};

    @TempDir
    static Path checkpoints;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    /** One fault: what, from which clock on, by which worker. */
    record Planned(Fault fault, int fromClock, int victim) implements Serializable {
        @Override
        public String toString() {
            return fault.name().toLowerCase(Locale.ROOT) + "@" + fromClock + "/w" + victim;
        }
    }

    /** A run's faults, the i-th failing attempt i + 1, and the worker whose zombie the first attempt leaves. */
    record Plan(String table, String seedText, List<Planned> faults, int zombieHost) implements Serializable {
    }

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
    void twentySeededRunsWithSeveralFaultsAndZombieFlushesEndWithExactSums() throws Exception {
        DriverMetrics metrics = Runtimes.driver(spark.sparkContext()).metrics();
        List<String> table = new ArrayList<>();
        table.add(String.format(Locale.ROOT, "%-4s %-16s %-56s %8s %9s %9s %8s  %s", "run", "model",
                "faults (kind@from clock/victim)", "injected", "corrupted", "attempts", "zombies", "seconds to resume"));
        int totalInjected = 0;
        int totalZombieFlushes = 0;
        for (int run = 0; run < RUNS; run++) {
            long seed = SEED + run;
            Consistency model = MODELS[run % MODELS.length];
            String name = "chaos-" + run;
            Plan plan = plan(name, new SplittableRandom(seed), run % 5 == 2, "seed " + seed + " (run " + run + ", "
                    + model + ")");
            TableRef ref = ps.createTable(TableSpec.dense(name, ROWS, 2).consistency(model));
            long recoveriesBefore = metrics.recoveries.getCount();
            ZombieFlush.Target zombie = new ZombieFlush.Target(markers(), name, ref, PsContext.get(spark).shards());

            chaosRun(name, plan, zombie);

            String context = plan.seedText() + ", faults " + plan.faults();
            FaultInjection.assertExactSums(ps, name, ROWS, CLOCKS, context);
            for (int i = 0; i < plan.faults().size(); i++) {
                assertTrue(FaultInjection.happened(markers(), name + "-fault-" + i), context + ": fault " + i
                        + " never fired");
            }
            long attempts = metrics.recoveries.getCount() - recoveriesBefore;
            assertEquals(plan.faults().size(), attempts, context + ": one recovery per fault");
            int zombieFlushes = checkZombie(name, context);
            ps.dropTable(name);

            int injected = plan.faults().size() + zombieFlushes + 2; // + the abandoned worker's clock and read
            totalInjected += injected;
            totalZombieFlushes += zombieFlushes;
            table.add(String.format(Locale.ROOT, "%-4d %-16s %-56s %8d %9d %9d %8d  %s", run, model, plan.faults()
                            + " zombie w" + plan.zombieHost(), injected, corrupted(name, plan.faults().size()), attempts,
                    zombieFlushes, resumeSeconds(name, plan.faults().size())));
        }
        LOG.info("chaos: {} runs, all with exact sums; {} faults injected, {} zombie flushes refused by the shards\n{}",
                RUNS, totalInjected, totalZombieFlushes, String.join("\n", table));
    }

    /**
     * Two or three faults: the first a throw or a corrupted image (its JVM must live on to host the zombie), the
     * second a halt in halting runs, the third in about half the runs.
     */
    private static Plan plan(String table, SplittableRandom random, boolean halting, String seedText) {
        List<Planned> faults = new ArrayList<>();
        faults.add(new Planned(throwOrCorrupt(random), 3 + random.nextInt(CLOCKS - 6), random.nextInt(2)));
        faults.add(new Planned(halting ? Fault.HALT : throwOrCorrupt(random), 2 + random.nextInt(CLOCKS - 3),
                random.nextInt(2)));
        if (random.nextBoolean()) {
            faults.add(new Planned(throwOrCorrupt(random), 2 + random.nextInt(CLOCKS - 3), random.nextInt(2)));
        }
        return new Plan(table, seedText, List.copyOf(faults), random.nextInt(2));
    }

    private static Fault throwOrCorrupt(SplittableRandom random) {
        return random.nextBoolean() ? Fault.THROW : Fault.CORRUPT;
    }

    private static String markers() {
        return checkpoints.resolve("markers").toString();
    }

    private static void chaosRun(String table, Plan plan, ZombieFlush.Target zombie) throws IOException {
        String folder = markers();
        Files.createDirectories(Path.of(folder));
        String root = checkpoints.toString();
        ps.runWorkers(jsc.parallelize(List.of(0, 1), 2), (worker, it) -> {
            // The attempt is known from the faults that fired before it; each fault ends one attempt.
            int attempt = 1;
            while (attempt <= plan.faults().size() && FaultInjection.happened(folder, table + "-fault-" + (attempt - 1))) {
                attempt++;
            }
            stamp(folder, "start-" + table + "-a" + attempt + "-w" + worker.id());
            if (attempt == 1 && worker.id() == plan.zombieHost()) {
                ZombieFlush.arm(worker, zombie);
            }
            int a = attempt;
            int start = worker.currentClock();
            ClockHook hook = (w, c) -> {
                if (a == 2 && w.id() == plan.faults().get(1).victim() && c == start + 1
                        && !ZombieFlush.isDone(folder, table)) {
                    ZombieFlush.wakeAndAwait(folder, table, w.id(), c);
                }
                if (a <= plan.faults().size()) {
                    injectWhenDue(plan, a, w.runId(), start, w, c, folder, root);
                }
            };
            return FaultInjection.countingLoop(worker, table, ROWS, CLOCKS, SLEEP_MS, FaultInjection.COUNTING, hook);
        });
    }

    /**
     * Injects the fault of attempt {@code a} if worker {@code w} is its victim and it is due at clock {@code c}: from
     * its clock on, after the zombie is done (but for the first), and, for a corrupted image, once the attempt's own
     * first periodic checkpoint can be complete (or at its last clock). Waits until the attempt's other worker has
     * started, so that both count this attempt's number before the fault ends it.
     */
    private static void injectWhenDue(Plan plan, int a, long attemptRunId, int start, PsWorker w, int c, String folder,
                                      String root) throws Exception {
        int i = a - 1;
        Planned f = plan.faults().get(i);
        String table = plan.table();
        boolean due = w.id() == f.victim() && c >= f.fromClock() && (i == 0 || ZombieFlush.isDone(folder, table))
                && (f.fault() != Fault.CORRUPT || c >= start + 3 || c == CLOCKS - 1);
        if (!due) {
            return;
        }
        awaitStamp(folder, "start-" + table + "-a" + a + "-w" + (1 - w.id()));
        if (FaultInjection.once(folder, table + "-fault-" + i)) {
            stamp(folder, "fault-" + table + "-" + i);
            String what = plan.seedText() + ": fault " + i + " (" + f + ") at clock " + c;
            if (f.fault() == Fault.CORRUPT) {
                Optional<Path> image = FaultInjection.corruptNewestImage(root, attemptRunId, c >= start + 3 ? 10_000 : 0);
                if (image.isPresent()) {
                    stamp(folder, "corrupted-" + table + "-" + i);
                }
                Fault.THROW.inject(root, attemptRunId, what + ", after corrupting " + image);
            }
            f.fault().inject(root, attemptRunId, what);
        }
    }

    /** The zombie's report: checks it was refused everywhere and returns how many flushes reached a shard. */
    private static int checkZombie(String table, String context) throws IOException {
        List<String> lines = ZombieFlush.results(markers(), table);
        String all = context + ": the zombie's report " + lines;
        long clientRefusals = lines.stream().filter(l -> l.startsWith(ZombieFlush.CLIENT_REFUSED)).count();
        long shardRefusals = lines.stream().filter(l -> l.startsWith(ZombieFlush.SHARD_REFUSED)
                && l.contains("is not the active run")).count();
        assertEquals(2, clientRefusals, all);
        assertEquals(ps.shards().size(), shardRefusals, all);
        assertTrue(lines.stream().noneMatch(l -> l.contains("APPLIED") || l.contains("SENT") || l.contains("READ")
                || l.contains("failed")), all);
        return (int) shardRefusals;
    }

    /** How many of the run's faults corrupted an image. */
    private static int corrupted(String table, int faults) {
        int n = 0;
        for (int i = 0; i < faults; i++) {
            n += FaultInjection.happened(markers(), "corrupted-" + table + "-" + i) ? 1 : 0;
        }
        return n;
    }

    /** Seconds from each fault to the first worker of the next attempt starting, e.g. {@code 0.4 9.1}. */
    private static String resumeSeconds(String table, int faults) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < faults; i++) {
            long at = readStamp("fault-" + table + "-" + i);
            long resumed = Math.min(readStamp("start-" + table + "-a" + (i + 2) + "-w0"),
                    readStamp("start-" + table + "-a" + (i + 2) + "-w1"));
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", (resumed - at) / 1e3));
        }
        return sb.toString();
    }

    /** Records now (wall-clock milliseconds, comparable across the test's JVMs on one machine) once. */
    private static void stamp(String folder, String name) throws IOException {
        File f = new File(folder, name);
        if (!f.exists()) {
            Files.writeString(f.toPath(), Long.toString(System.currentTimeMillis()), StandardCharsets.UTF_8);
        }
    }

    private static long readStamp(String name) throws IOException {
        Path p = Path.of(markers(), name);
        return Files.exists(p) ? Long.parseLong(Files.readString(p, StandardCharsets.UTF_8).trim()) : Long.MAX_VALUE;
    }

    private static void awaitStamp(String folder, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!new File(folder, name).exists()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + name + " within 30 s");
            }
            Thread.sleep(5);
        }
    }
}
