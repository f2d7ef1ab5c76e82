package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.internal.Runtimes;
import org.petuum.ps.metrics.DriverMetrics;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.TableSpec;

/**
 * An {@code SSP_AUTO} table in a real run on {@code local-cluster} (two executor JVMs, a shard server in each): every
 * read keeps the bound in force, and the driver's progress listeners and metrics show that bound per clock, as
 * the executors report it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AdaptiveStalenessSparkTest {
    private static final int WORKERS = 2;
    private static final int CLOCKS = 12;
    private static final int MAX = 2;
    private static final Pattern BOUNDS = Pattern.compile("staleness auto (\\d+)(?:-(\\d+))?");

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("AdaptiveStalenessSparkTest")
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void progressAndMetricsShowTheBoundInForceAndEveryReadKeepsIt() throws Exception {
        PsContext ps = PsContext.get(spark);
        ps.createTable(TableSpec.dense("auto", 1, WORKERS).consistency(Consistency.sspAuto(MAX)));
        try {
            List<Progress> heard = new CopyOnWriteArrayList<>();
            ProgressListener listener = heard::add;
            ps.addProgressListener(listener);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ps.run(jsc.parallelize(List.of(0, 1), WORKERS), CLOCKS, (worker, rows, clock) -> {
                PsTable t = worker.table("auto");
                int bound = t.staleness();
                double[] seen = t.get(0);
                int other = 1 - worker.id();
                if (bound < 0 || bound > MAX || seen[other] < clock - bound || seen[worker.id()] != clock) {
                    throw new IllegalStateException("worker " + worker.id() + " at clock " + clock + " under bound "
                            + bound + " read " + java.util.Arrays.toString(seen));
                }
                if (worker.id() == 1) {
                    Thread.sleep(30); // the straggler
                }
                t.inc(0, worker.id(), 1);
            });
            assertEquals(WORKERS * CLOCKS, ps.readDense("auto")[0][0] + ps.readDense("auto")[0][1]);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((heard.isEmpty() || heard.get(heard.size() - 1).step() < CLOCKS) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            ps.removeProgressListener(listener);
            assertTrue(!heard.isEmpty(), "no progress heard");
            for (Progress p : heard) {
                Matcher m = BOUNDS.matcher(p.toString());
                assertTrue(m.find(), "no bound in " + p);
                int lo = Integer.parseInt(m.group(1));
                int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
                assertTrue(0 <= lo && lo <= hi && hi <= MAX, p.toString());
                assertTrue(p.bounds().startsWith("auto "), p.bounds());
            }
            DriverMetrics metrics = Runtimes.driver(spark.sparkContext()).metrics();
            assertTrue(metrics.boundsInForce().matches("auto \\d(-\\d)?"), metrics.boundsInForce());
            for (int w = 0; w < WORKERS; w++) {
                int b = metrics.boundOf(w, "auto");
                assertTrue(b >= 0 && b <= MAX, "worker " + w + "'s bound gauge: " + b);
            }
        } finally {
            ps.dropTable("auto");
        }
    }
}
