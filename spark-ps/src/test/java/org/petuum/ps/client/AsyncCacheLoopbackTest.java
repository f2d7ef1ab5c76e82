package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * ASYNC as the cheapest model: reads are served from the process cache, which the shards refresh by pushing a
 * process's rows after each of its flushes, so workers ask the shards no more often than under SSP(3), while
 * read-my-writes, the global barrier and exactly-once sums hold as before. Two shard servers on loopback.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AsyncCacheLoopbackTest {
    private static final int SHARDS = 2;
    private static final int WORKERS = 4;
    private static final int CLOCKS = 40;
    private static final int BARRIER_CLOCK = 20;

    private LoopbackShards cluster;
    private ExecutorService threads;

    @BeforeEach
    void start() throws InterruptedException {
        cluster = new LoopbackShards(SHARDS, LoopbackShards.TEST_CONF);
        threads = Executors.newFixedThreadPool(WORKERS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        cluster.closeAfter(threads);
    }

    /**
     * Every worker reads every row at every clock and adds 1 to cell (row, worker); at {@link #BARRIER_CLOCK} it
     * passes a global barrier instead of a plain clock. Checks every read, then the sums; returns the fetches.
     */
    private long runEveryRowEveryClock(Consistency model) throws Exception {
        TableRef table = new TableRef(0, TableSpec.dense("every-row", 8, WORKERS).consistency(model));
        RunPlan plan = cluster.beginRun(1, WORKERS, LoopbackShards.TEST_CONF, List.of(table));
        long[] fetches = new long[WORKERS];
        LoopbackShards.runWorkers(threads, WORKERS, w -> {
            SplittableRandom rng = new SplittableRandom(w);
            try (PsWorker worker = new PsWorker(cluster.client("worker " + w, LoopbackShards.TEST_CONF), plan, w)) {
                PsTable t = worker.table(table.name());
                for (int c = 0; c < CLOCKS; c++) {
                    double[][] rows = t.get(allRows(table));
                    for (int r = 0; r < rows.length; r++) {
                        for (int o = 0; o < WORKERS; o++) {
                            double seen = rows[r][o];
                            // Read-my-writes; nothing invented; after the barrier, every clock before it.
                            double atLeast = o == w ? c : c > BARRIER_CLOCK ? BARRIER_CLOCK + 1 : 0;
                            if (seen < atLeast || (o == w && seen != c) || seen > CLOCKS) {
                                throw new AssertionError(model + ": worker " + w + " at clock " + c + " read row "
                                        + r + " with " + seen + " clocks of worker " + o + " (expected at least "
                                        + atLeast + ")");
                            }
                        }
                        t.inc(r, w, 1);
                    }
                    if (rng.nextInt(4) == 0) {
                        Thread.sleep(1 + rng.nextInt(3)); // workers progress at different speeds
                    }
                    if (c == BARRIER_CLOCK) {
                        worker.globalBarrier();
                    } else {
                        worker.clock();
                    }
                }
                fetches[w] = worker.fetches();
            }
        });
        double[][] end = cluster.readDense(table);
        for (double[] row : end) {
            double[] expected = new double[WORKERS];
            Arrays.fill(expected, CLOCKS);
            assertEquals(Arrays.toString(expected), Arrays.toString(row), model + ": every increment exactly once");
        }
        return Arrays.stream(fetches).sum();
    }

    @Test
    void asyncAsksTheShardsNoMoreOftenThanSsp3AndSumsExactly() throws Exception {
        long async = runEveryRowEveryClock(Consistency.async());
        stop();
        start();
        long ssp3 = runEveryRowEveryClock(Consistency.ssp(3));
        assertTrue(async <= ssp3, "fetches under ASYNC " + async + ", under SSP(3) " + ssp3);
        // The first read of each worker asks both shards, and the barrier makes every cached row too old once.
        assertTrue(async < WORKERS * CLOCKS / 4, "fetches under ASYNC " + async);
    }

    @Test
    void aCachedAsyncRowIsReadWithoutAskingAndHoldsWhatTheShardHadAtTheReadersLastClock() throws Exception {
        TableRef table = new TableRef(0, TableSpec.dense("pushed", 4, 2).consistency(Consistency.async()));
        RunPlan plan = cluster.beginRun(1, 2, LoopbackShards.TEST_CONF, List.of(table));
        PsClient readerProcess = cluster.client("reader", LoopbackShards.TEST_CONF);
        try (PsWorker writer = new PsWorker(cluster.client("writer", LoopbackShards.TEST_CONF), plan, 0);
             PsWorker reader = new PsWorker(readerProcess, plan, 1)) {
            PsTable r = reader.table("pushed");
            PsTable w = writer.table("pushed");
            r.get(allRows(table)); // the reader's process now holds every row
            long asked = reader.fetches();
            assertEquals(SHARDS, asked, "one request per shard");
            for (int c = 0; c < 6; c++) {
                for (int row = 0; row < 4; row++) {
                    w.inc(row, 0, 1);
                    r.inc(row, 1, 10);
                }
                writer.clock();
                int writerClocks = c + 1;
                awaitTrue(() -> Arrays.stream(cluster.readDense(table)).allMatch(row -> row[0] == writerClocks),
                        "the shards applying the writer");
                reader.clock();
                // The shard answers the reader's flush with its rows, which now hold the writer's clock.
                awaitTrue(() -> IntStream.range(0, 4)
                        .allMatch(row -> cachedCell(readerProcess, table, row, 0) == writerClocks),
                        "the pushes to the reader");
                double[][] seen = r.get(allRows(table));
                for (int row = 0; row < 4; row++) {
                    assertEquals(writerClocks, seen[row][0], "row " + row + ": the writer's clocks");
                    assertEquals(10.0 * writerClocks, seen[row][1], "row " + row + ": the reader's own");
                }
                r.inc(0, 1, 1); // a pending update: part of every read from now on
                assertEquals(10.0 * writerClocks + 1, r.get(0)[1], "read-my-writes before the flush");
                r.inc(0, 1, -1);
                assertEquals(asked, reader.fetches(), "a cached ASYNC row was asked for at clock " + c);
            }
            assertEquals(0, readerProcess.refusedPushRows(), "pushes of rows the reader read were refused");
        }
    }

    private static double cachedCell(PsClient process, TableRef table, int row, int col) {
        CachedRow cached = process.cache().get(table.id(), row);
        return cached == null ? Double.NaN : cached.values().get(col);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LoopbackShards.WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + LoopbackShards.WAIT_MS + " ms for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static int[] allRows(TableRef t) {
        int[] rows = new int[t.spec().rows()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        return rows;
    }
}
