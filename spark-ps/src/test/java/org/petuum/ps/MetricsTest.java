package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ssp.TableSpec;

/**
 * The parameter server's metrics, read back through a real Spark metrics sink (CSV, every second) from two
 * executor JVMs and the driver on {@code local-cluster}, and checked against what a run did.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MetricsTest {
    private static final String PREFIX = "plugin." + PetuumPlugin.class.getName() + ".";
    private static final int WORKERS = 2;
    private static final int CLOCKS = 12;
    private static final int ROWS = 4;

    private static SparkSession spark;
    private static Path csvDir;

    @BeforeAll
    static void start() throws IOException {
        csvDir = Files.createTempDirectory("petuum-metrics");
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("MetricsTest")
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
                .config("spark.metrics.conf.*.sink.csv.class", "org.apache.spark.metrics.sink.CsvSink")
                .config("spark.metrics.conf.*.sink.csv.period", "1")
                .config("spark.metrics.conf.*.sink.csv.unit", "seconds")
                .config("spark.metrics.conf.*.sink.csv.directory", csvDir.toString())
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void metricsReportWhatTheRunDidThroughSparksCsvSink() throws Exception {
        PsContext ps = PsContext.get(spark);
        assertEquals(2, ps.shards().size());
        ps.createTable(TableSpec.dense("metered", ROWS, 3).staleness(0));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Progress> heard = new CopyOnWriteArrayList<>();
        ps.addProgressListener(heard::add);
        // Under BSP worker 0 reads every clock while worker 1 lags 40 ms per clock: worker 0's reads must wait.
        ps.run(jsc.parallelize(List.of(0, 1), WORKERS), CLOCKS, (worker, rows, clock) -> {
            PsTable t = worker.table("metered");
            if (worker.id() == 1) {
                Thread.sleep(40);
            }
            for (int r = 0; r < ROWS; r++) {
                t.get(r);
                t.inc(r, 0, 1.0);
            }
        });
        assertEquals(WORKERS * CLOCKS, ps.readDense("metered")[0][0]);

        // Progress listeners hear the slowest worker's clocks, rising, up to the last.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((heard.isEmpty() || heard.get(heard.size() - 1).step() < CLOCKS) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(!heard.isEmpty(), "no progress heard");
        assertEquals(CLOCKS, heard.get(heard.size() - 1).step(), heard.toString());
        for (int i = 1; i < heard.size(); i++) {
            assertTrue(heard.get(i).step() > heard.get(i - 1).step(), heard.toString());
            assertEquals("clock", heard.get(i).unit());
        }

        // Every worker's every clock reaches every shard once (with or without updates), and so does its last flush.
        int expected = WORKERS * (CLOCKS + 1) * 2;
        long flushes = awaitSum("shard.flushesApplied", "executor", v -> v >= expected);
        assertEquals(expected, flushes, "flushes applied over both shards");
        assertEquals(0, awaitSum("shard.flushesDuplicate", "executor", v -> true));
        assertEquals(ROWS, awaitSum("shard.rowsHeld", "executor", v -> v >= ROWS), "rows held over both shards");
        assertEquals(ROWS * 3, awaitSum("shard.cellsHeld", "executor", v -> v >= ROWS * 3));
        assertTrue(awaitSum("shard.readsWaited", "executor", v -> v > 0) > 0, "worker 0's reads waited for worker 1");
        assertTrue(awaitSum("shard.bytesIn", "executor", v -> v > 0) > 0);
        assertTrue(awaitSum("shard.bytesOut", "executor", v -> v > 0) > 0);
        assertTrue(awaitSum("shard.requestsIn", "executor", v -> v >= flushes) >= flushes);
        // BSP serves nothing stale: the largest staleness any read was served at is 0.
        Map<String, String[]> staleness = lastRows("shard.stalenessServed", "executor");
        long served = 0;
        for (String[] row : staleness.values()) {
            served += Long.parseLong(row[1]);
            assertEquals(0.0, Double.parseDouble(row[2]), "max staleness served under BSP");
        }
        assertTrue(served > 0, "reads were served");

        assertEquals(1, awaitSum("driver.runsStarted", "driver", v -> v >= 1));
        assertEquals(1, awaitSum("driver.runAttempts", "driver", v -> v >= 1));
        assertEquals(0, awaitSum("driver.recoveries", "driver", v -> true));
        assertEquals(CLOCKS, awaitSum("driver.slowestWorkerClock", "driver", v -> v >= CLOCKS));
        assertEquals(CLOCKS, awaitSum("driver.worker.1.clock", "driver", v -> v >= CLOCKS));
        ps.dropTable("metered");
    }

    /**
     * The sum over every process whose id matches {@code who} of metric {@code name}'s last reported value (its
     * count or value column), once {@code done} accepts it or 30 s have passed.
     */
    private static long awaitSum(String name, String who, Predicate<Long> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Map<String, String[]> rows = lastRows(name, who);
            long sum = 0;
            for (String[] row : rows.values()) {
                sum += (long) Double.parseDouble(row[1]);
            }
            if ((!rows.isEmpty() && done.test(sum)) || System.nanoTime() > deadline) {
                if (rows.isEmpty()) {
                    fail("no CSV of metric " + name + " in " + csvDir + " (files: " + list() + ")");
                }
                return sum;
            }
            Thread.sleep(200);
        }
    }

    /** The last line of each process's CSV of {@code name}, split, keyed by file name. */
    private static Map<String, String[]> lastRows(String name, String who) throws IOException {
        Map<String, String[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(csvDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                String[] parts = file.split("\\.", 3);
                boolean driver = parts.length > 1 && parts[1].equals("driver");
                if (!file.endsWith("." + PREFIX + name + ".csv") || driver != who.equals("driver")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                if (lines.size() > 1) {
                    out.put(file, lines.get(lines.size() - 1).split(","));
                }
            }
        }
        return out;
    }

    private static String list() throws IOException {
        try (Stream<Path> files = Files.list(csvDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains("petuum")).limit(40).toList()
                    .toString();
        }
    }
}
