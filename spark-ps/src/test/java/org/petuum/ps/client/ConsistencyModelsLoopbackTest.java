package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.server.ShardServer;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * The guarantees of eager-push SSP, value-bounded consistency and managed communication, each checked on
 * every read (or over every window) by workers on threads against two shard servers on loopback.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsistencyModelsLoopbackTest {
    private static final int SHARDS = 2;
    private static final int WORKERS = 3;

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
     * Every worker adds 1 to cell (r, w) of every row at each clock; a read at clock c must hold at least c - s
     * of every other worker's clocks, and exactly c of its own.
     */
    private long[] runCounters(TableRef table, int clocks, int staleness) throws Exception {
        RunPlan plan = beginRun(1, table);
        long[] fetches = new long[WORKERS];
        runWorkers(w -> {
            SplittableRandom rng = new SplittableRandom(w);
            try (PsWorker worker = new PsWorker(client("worker " + w), plan, w)) {
                PsTable t = worker.table(table.name());
                for (int c = 0; c < clocks; c++) {
                    double[][] rows = t.get(allRows(table));
                    for (int r = 0; r < rows.length; r++) {
                        for (int o = 0; o < WORKERS; o++) {
                            double seen = rows[r][o];
                            if (o == w ? seen != c : seen < c - staleness) {
                                throw new AssertionError("worker " + w + " at clock " + c + " read row " + r + " with "
                                        + seen + " clocks of worker " + o + " (staleness " + staleness + ")");
                            }
                        }
                    }
                    for (int r = 0; r < rows.length; r++) {
                        t.inc(r, w, 1);
                    }
                    if (rng.nextInt(4) == 0) {
                        Thread.sleep(1 + rng.nextInt(3)); // workers progress at different speeds
                    }
                    worker.clock();
                }
                fetches[w] = worker.fetches();
            }
        });
        return fetches;
    }

    @Test
    void esspNeverServesARowStalerThanItsBoundAndPushesSaveMostFetches() throws Exception {
        int clocks = 40;
        TableRef essp = new TableRef(0, TableSpec.dense("essp", 6, WORKERS).consistency(Consistency.essp(1)));
        long[] pushed = runCounters(essp, clocks, 1);
        stopAndRestart();
        TableRef ssp = new TableRef(0, TableSpec.dense("ssp", 6, WORKERS).staleness(1));
        long[] pulled = runCounters(ssp, clocks, 1);
        long pushedTotal = java.util.Arrays.stream(pushed).sum();
        long pulledTotal = java.util.Arrays.stream(pulled).sum();
        assertTrue(pushedTotal < pulledTotal / 2, "with pushes the workers fetched " + pushedTotal
                + " times, without " + pulledTotal);
    }

    @Test
    void aValueBoundedReadNeverMissesUpdatesWorthTheBound() throws Exception {
        double bound = 3.0;
        int cols = 4;
        TableRef vb = new TableRef(0, TableSpec.dense("vb", 2, cols).consistency(Consistency.valueBound(bound)));
        RunPlan plan = beginRun(1, vb);
        // made[w][r * cols + c]: what worker w has added to cell (r, c) by incs that have returned.
        double[][] made = new double[WORKERS][2 * cols];
        AtomicLong reads = new AtomicLong();
        AtomicLong hiddenReads = new AtomicLong();
        runWorkers(w -> {
            SplittableRandom rng = new SplittableRandom(100 + w);
            try (PsWorker worker = new PsWorker(client("worker " + w), plan, w)) {
                PsTable t = worker.table("vb");
                for (int step = 0; step < 600; step++) {
                    int r = rng.nextInt(2);
                    int c = rng.nextInt(cols);
                    double d = rng.nextDouble() * 0.4;
                    t.inc(r, c, d);
                    synchronized (made) {
                        made[w][r * cols + c] += d;
                    }
                    if (step % 7 == 0) {
                        int row = rng.nextInt(2);
                        double[] before;
                        synchronized (made) {
                            before = new double[cols];
                            for (int o = 0; o < WORKERS; o++) {
                                for (int k = 0; k < cols; k++) {
                                    before[k] += made[o][row * cols + k];
                                }
                            }
                        }
                        double[] seen = t.get(row);
                        reads.incrementAndGet();
                        boolean hidden = false;
                        for (int k = 0; k < cols; k++) {
                            double missing = before[k] - seen[k];
                            if (missing > bound * (WORKERS - 1) / WORKERS + 1e-9) {
                                throw new AssertionError("worker " + w + " read cell (" + row + ", " + k + ") = "
                                        + seen[k] + " missing " + missing + " of updates already made (bound " + bound + ")");
                            }
                            hidden |= missing > 1e-9;
                        }
                        if (hidden) {
                            hiddenReads.incrementAndGet();
                        }
                    }
                    if (step % 50 == 49) {
                        worker.clock();
                    }
                }
            }
        });
        assertTrue(reads.get() > 200, "reads: " + reads.get());
        assertTrue(hiddenReads.get() > 0, "no read ever missed anything: the bound was never used ("
                + reads.get() + " reads)");
        double[] total = new double[2 * cols];
        for (double[] m : made) {
            for (int k = 0; k < total.length; k++) {
                total[k] += m[k];
            }
        }
        double[][] end = readDense(vb);
        for (int r = 0; r < 2; r++) {
            for (int k = 0; k < cols; k++) {
                assertEquals(total[r * cols + k], end[r][k], 1e-9, "cell (" + r + ", " + k + ") at the end");
            }
        }
    }

    @Test
    void managedCommunicationNeverExceedsItsBudgetByMoreThanOneMessageOverAnyWindow() throws Exception {
        double mbps = 0.5; // 62,500 bytes per second
        long[] now = {0};
        PsConf conf = PsConf.from(Map.of(PsConf.IO_THREADS, "1", PsConf.REQUEST_TIMEOUT, "20s",
                PsConf.READ_TIMEOUT, "20s", PsConf.BANDWIDTH_MBPS, Double.toString(mbps)));
        TableRef table = new TableRef(0, TableSpec.dense("managed", 200, 16).staleness(2));
        RunPlan plan = beginRun(1, table, 1, conf);
        PsClient client = cluster.client("managed worker", conf, () -> now[0]);
        List<long[]> samples = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(7);
        double[] sent = new double[200];
        try (PsWorker worker = new PsWorker(client, plan, 0)) {
            PsTable t = worker.table("managed");
            for (int step = 0; step < 4000; step++) {
                now[0] += 250_000; // a quarter of a millisecond per increment
                int row = rng.nextInt(200);
                double[] delta = new double[16];
                delta[rng.nextInt(16)] = rng.nextDouble();
                t.inc(row, delta);
                sent[row] += 1;
                samples.add(new long[] {now[0], worker.managedBytes()});
            }
            assertTrue(worker.managedBytes() > 0, "nothing was sent between clocks");
            // Before the clock, the shards already hold what managed communication sent.
            double[][] early = readDense(table);
            double cells = 0;
            for (double[] r : early) {
                for (double v : r) {
                    cells += v != 0 ? 1 : 0;
                }
            }
            assertTrue(cells > 0, "no update reached a shard before the clock");
            worker.clock();
        }
        double bytesPerNano = mbps * 1e6 / 8 / 1e9;
        for (int i = 0; i < samples.size(); i += 7) {
            for (int j = i + 1; j < samples.size(); j += 13) {
                long window = samples.get(j)[0] - samples.get(i)[0];
                long bytes = samples.get(j)[1] - samples.get(i)[1];
                double allowed = bytesPerNano * window + EarlyUpdates.MAX_MANAGED_MESSAGE;
                assertTrue(bytes <= allowed, bytes + " bytes in a window of " + window / 1e6 + " ms (allowed "
                        + allowed + ")");
            }
        }
        long total = samples.get(samples.size() - 1)[1];
        double budget = bytesPerNano * samples.get(samples.size() - 1)[0];
        assertTrue(total > budget / 4, "the budget was hardly used: " + total + " of " + budget + " bytes");
    }

    private void stopAndRestart() throws InterruptedException {
        stop();
        start();
    }

    private static int[] allRows(TableRef t) {
        int[] rows = new int[t.spec().rows()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        return rows;
    }

    private PsClient client(String name) {
        return cluster.client(name, LoopbackShards.TEST_CONF);
    }

    private RunPlan beginRun(long runId, TableRef table) {
        return beginRun(runId, table, WORKERS, LoopbackShards.TEST_CONF);
    }

    private RunPlan beginRun(long runId, TableRef table, int workers, PsConf conf) {
        return cluster.beginRun(runId, workers, conf, List.of(table));
    }

    private double[][] readDense(TableRef t) {
        return cluster.readDense(t);
    }

    private void runWorkers(LoopbackShards.WorkerBody body) throws Exception {
        LoopbackShards.runWorkers(threads, WORKERS, body);
    }

    @Test
    void aBoundedProcessCacheEvictsYetEveryReadKeepsTheStalenessBound() throws Exception {
        int clocks = 25;
        TableRef table = new TableRef(0, TableSpec.dense("bounded-cache", 12, WORKERS).staleness(2));
        RunPlan plan = beginRun(1, table);
        PsConf tiny = PsConf.from(Map.of(PsConf.IO_THREADS, "1", PsConf.REQUEST_TIMEOUT, "20s",
                PsConf.READ_TIMEOUT, "20s", PsConf.CACHE_MAX_ROWS, "4"));
        PsClient shared = cluster.client("shared", tiny);
        runWorkers(w -> {
            try (PsWorker worker = new PsWorker(shared, plan, w)) {
                PsTable t = worker.table(table.name());
                for (int c = 0; c < clocks; c++) {
                    double[][] rows = t.get(allRows(table));
                    for (int r = 0; r < rows.length; r++) {
                        for (int o = 0; o < WORKERS; o++) {
                            double seen = rows[r][o];
                            if (o == w ? seen != c : seen < c - 2) {
                                throw new AssertionError("worker " + w + " at clock " + c + " read row " + r + " with "
                                        + seen + " clocks of worker " + o);
                            }
                        }
                        t.inc(r, w, 1);
                    }
                    worker.clock();
                }
            }
        });
        assertTrue(shared.cache().size() <= 4, "cache holds " + shared.cache().size() + " rows, bound 4");
        assertTrue(shared.cache().evicted() > 0, "nothing was evicted");
    }

    @Test
    void getAsyncReturnsWithoutWaitingAndPrefetchedRowsAreNotAskedForTwice() throws Exception {
        TableRef table = new TableRef(0, TableSpec.dense("async-reads", 4, 2).staleness(0));
        RunPlan plan = beginRun(1, table, 2, LoopbackShards.TEST_CONF);
        java.util.concurrent.CountDownLatch slowMayClock = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch fastAsked = new java.util.concurrent.CountDownLatch(1);
        Future<?> slow = threads.submit(() -> {
            try (PsWorker worker = new PsWorker(client("slow"), plan, 1)) {
                worker.table("async-reads").inc(0, 1, 5);
                assertTrue(fastAsked.await(10, TimeUnit.SECONDS));
                assertTrue(slowMayClock.await(10, TimeUnit.SECONDS));
                worker.clock();
            }
            return null;
        });
        try (PsWorker worker = new PsWorker(client("fast"), plan, 0)) {
            PsTable t = worker.table("async-reads");
            t.inc(0, 0, 1);
            worker.clock();
            // BSP: at clock 1 the row needs worker 1's clock 0, which has not come yet.
            t.inc(0, 0, 10); // made before the call: part of what the future sees
            java.util.concurrent.CompletableFuture<double[]> row = t.getAsync(0);
            t.inc(0, 0, 100); // made after the call: not part of it
            fastAsked.countDown();
            Thread.sleep(100);
            assertTrue(!row.isDone(), "the read cannot be answered before the slow worker clocks");
            t.prefetch(1, 2, 3);
            long asked = worker.fetches();
            slowMayClock.countDown();
            assertEquals(java.util.List.of(11.0, 5.0), java.util.List.of(row.get(10, TimeUnit.SECONDS)[0],
                    row.get()[1]));
            double[][] rows = t.get(new int[] {1, 2, 3});
            assertEquals(3, rows.length);
            assertEquals(asked, worker.fetches(), "the prefetched rows were asked for again");
            assertEquals(111.0, t.get(0)[0], "a synchronous read sees every update made so far");
            worker.clock();
        }
        slow.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shardsPushTheMostChangedRowsToTheirReadersWithinTheirBudget() throws Exception {
        double mbps = 0.2; // 25,000 bytes per second for each shard's pushes
        long[] serverNow = {0};
        PsConf managed = PsConf.from(Map.of(PsConf.IO_THREADS, "1", PsConf.REQUEST_TIMEOUT, "20s",
                PsConf.READ_TIMEOUT, "20s", PsConf.BANDWIDTH_MBPS, Double.toString(mbps)));
        cluster.close();
        cluster = new LoopbackShards(SHARDS, managed, () -> serverNow[0]);

        TableRef table = new TableRef(0, TableSpec.dense("managed-push", 40, 8).staleness(3));
        RunPlan plan = beginRun(1, table, 2, managed);
        long[] writerNow = {0};
        PsClient writerClient = cluster.client("writer", managed, () -> writerNow[0]);
        PsClient readerClient = cluster.client("reader", managed);
        try (PsWorker reader = new PsWorker(readerClient, plan, 1);
             PsWorker writer = new PsWorker(writerClient, plan, 0)) {
            PsTable r = reader.table("managed-push");
            r.get(allRows(table)); // the reader's process now holds every row: the shards remember it
            PsTable w = writer.table("managed-push");
            SplittableRandom rng = new SplittableRandom(3);
            for (int step = 0; step < 2000; step++) {
                writerNow[0] += 1_000_000;
                serverNow[0] += 1_000_000;
                double[] delta = new double[8];
                delta[rng.nextInt(8)] = 1 + rng.nextDouble();
                w.inc(rng.nextInt(40), delta);
            }
            assertTrue(writer.managedBytes() > 0, "the writer sent nothing between clocks");
            // Before anyone clocks, the reader's process receives rows holding the writer's early updates.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int rowsWithUpdates = 0;
            while (System.nanoTime() < deadline) {
                rowsWithUpdates = 0;
                for (int row = 0; row < 40; row++) {
                    var cached = readerClient.cache().get(table.id(), row);
                    if (cached != null && cached.values().maxAbs() > 0) {
                        rowsWithUpdates++;
                    }
                }
                if (rowsWithUpdates > 0) {
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(rowsWithUpdates > 0, "no pushed row reached the reader's cache");
            assertEquals(0, readerClient.refusedPushRows(), "pushes of rows the reader read were refused");
            double allowed = mbps * 1e6 / 8 * serverNow[0] / 1e9 + EarlyUpdates.MAX_MANAGED_MESSAGE;
            for (ShardServer s : cluster.servers()) {
                assertTrue(s.managedPushBytes() > 0, s.name() + " pushed nothing");
                assertTrue(s.managedPushBytes() <= allowed, s.name() + " pushed " + s.managedPushBytes()
                        + " bytes, over its budget of " + allowed);
            }
            writer.clock();
            reader.clock();
        }
    }
}
