package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.server.ShardServer;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * Workers of one run on threads of this JVM against two shard servers on loopback, without Spark: the task API
 * end to end. Workers 0 and 1 share one client (and so its connections and process cache); worker 2 has its own.
 *
 * <p>Every cell is a counter: worker {@code w} adds {@code 100^w} times a per-cell multiplier at each clock, so
 * a read can be decoded into how many clocks of each worker it includes, and checked against the SSP bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PsWorkerLoopbackTest {
    private static final int SHARDS = 2;
    private static final int WORKERS = 3;
    private static final int CLOCKS = 20;
    private static final int STALENESS = 2;
    private static final long WAIT_MS = 10_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "10s",
            PsConf.READ_TIMEOUT, "10s"));

    private static final TableRef DENSE = new TableRef(0, TableSpec.dense("weights", 5, 4).staleness(STALENESS));
    private static final TableRef SPARSE = new TableRef(1, TableSpec.sparse("counts", 4, 1000).staleness(STALENESS));
    private static final int TOUCHED_PER_SPARSE_ROW = 3;
    /** The clock at which the last worker stops until every other worker is held back by it. */
    private static final int PAUSE_AT = 5;

    private LoopbackShards cluster;
    private List<ShardServer> servers;
    private ExecutorService threads;

    @BeforeEach
    void start() throws InterruptedException {
        cluster = new LoopbackShards(SHARDS, CONF);
        servers = cluster.servers();
        threads = Executors.newFixedThreadPool(WORKERS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(WAIT_MS, TimeUnit.MILLISECONDS), "worker threads did not stop");
        cluster.close();
    }

    @Test
    void workersCountEveryUpdateExactlyOnceWithinTheStalenessBound() throws Exception {
        RunPlan plan = beginRun(1, List.of(DENSE, SPARSE));
        PsClient shared = client("executor A");
        PsClient own = client("executor B");
        PsClient[] clientOf = {shared, shared, own};

        runWorkers(w -> {
            try (PsWorker worker = new PsWorker(clientOf[w], plan, w)) {
                assertEquals(w, worker.id());
                PsTable dense = worker.table("weights");
                PsTable sparse = worker.table("counts");
                for (int c = 0; c < CLOCKS; c++) {
                    assertEquals(c, worker.currentClock());
                    if (w == WORKERS - 1 && c == PAUSE_AT) {
                        awaitOthersBlockedOnTheStalenessBound();
                    }
                    checkDense(dense.get(allRows(DENSE)), w, c);
                    checkSparse(sparse.getRows(allRows(SPARSE)), w, c);

                    addDense(dense, w);
                    addSparse(sparse, w);

                    // Updates not yet sent are part of what this worker reads.
                    int r = c % DENSE.spec().rows();
                    assertEquals(c + 1, counts(dense.get(r)[1], denseFactor(r, 1))[w], "own pending updates");
                    worker.clock();
                }
                assertEquals(CLOCKS, worker.currentClock());
            }
            return null;
        });

        long total = CLOCKS * weightSum();
        List<Rows> denseRows = readBack(DENSE);
        for (Rows rows : denseRows) {
            assertEquals(CLOCKS, rows.snapshot().version(), "every worker completed every clock");
            for (int i = 0; i < rows.snapshot().size(); i++) {
                int r = rows.snapshot().rows()[i];
                double[] expected = new double[DENSE.spec().cols()];
                for (int col = 0; col < expected.length; col++) {
                    expected[col] = (double) total * denseFactor(r, col);
                }
                assertArrayEquals(expected, rows.snapshot().values()[i].toArray(), "dense row " + r);
            }
        }
        assertEquals(DENSE.spec().rows(), denseRows.stream().mapToInt(x -> x.snapshot().size()).sum());

        List<Rows> sparseRows = readBack(SPARSE);
        for (Rows rows : sparseRows) {
            for (int i = 0; i < rows.snapshot().size(); i++) {
                int r = rows.snapshot().rows()[i];
                RowValues v = rows.snapshot().values()[i];
                assertFalse(v.isDense(), "a sparse table's rows travel sparse");
                double[] expected = new double[SPARSE.spec().cols()];
                for (int j = 0; j < TOUCHED_PER_SPARSE_ROW; j++) {
                    expected[sparseColumn(r, j)] = (double) total * sparseFactor(r, j);
                }
                assertArrayEquals(expected, v.toArray(), "sparse row " + r);
            }
        }
        assertEquals(SPARSE.spec().rows(), sparseRows.stream().mapToInt(x -> x.snapshot().size()).sum());
        assertTrue(shared.cache().size() > 0, "the shared client cached rows");
    }

    @Test
    void afterGlobalBarrierEveryWorkerSeesEveryUpdateMadeBeforeIt() throws Exception {
        // Staleness 3 would let a plain read at clock 3 return rows of version 0; the barrier must not.
        TableRef table = new TableRef(0, TableSpec.dense("g", WORKERS, 2).staleness(3));
        RunPlan plan = beginRun(2, List.of(table));
        PsClient shared = client("executor A");
        PsClient own = client("executor B");
        PsClient[] clientOf = {shared, own, shared};
        CyclicBarrier everyoneHasRead = new CyclicBarrier(WORKERS);
        int clocksBefore = 2;

        runWorkers(w -> {
            try (PsWorker worker = new PsWorker(clientOf[w], plan, w)) {
                PsTable t = worker.table("g");
                // Every worker caches every row before anyone updates one.
                double[][] initial = t.get(allRows(table));
                for (double[] row : initial) {
                    assertArrayEquals(new double[2], row);
                }
                everyoneHasRead.await(WAIT_MS, TimeUnit.MILLISECONDS);

                for (int c = 0; c < clocksBefore; c++) {
                    t.inc(w, 0, 1);
                    t.inc(w, 1, w + 1);
                    worker.clock();
                }
                worker.globalBarrier();
                assertEquals(clocksBefore + 1, worker.currentClock(), "the barrier ends a clock");

                double[][] after = t.get(allRows(table));
                for (int u = 0; u < WORKERS; u++) {
                    assertArrayEquals(new double[] {clocksBefore, clocksBefore * (u + 1)}, after[u],
                            "worker " + w + " reading worker " + u + "'s row after the barrier");
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- the counters

    /** What worker {@code w} adds to a cell per clock, before the cell's multiplier: a base-100 digit. */
    private static long weight(int w) {
        long p = 1;
        for (int i = 0; i < w; i++) {
            p *= 100;
        }
        return p;
    }

    private static long weightSum() {
        long s = 0;
        for (int w = 0; w < WORKERS; w++) {
            s += weight(w);
        }
        return s;
    }

    private static int denseFactor(int row, int col) {
        return 1 + row * DENSE.spec().cols() + col;
    }

    private static int sparseColumn(int row, int j) {
        return (row * 251 + j * 97) % SPARSE.spec().cols();
    }

    private static int sparseFactor(int row, int j) {
        return (row + 1) * (j + 1);
    }

    private static void addDense(PsTable t, int w) {
        int cols = t.spec().cols();
        for (int r = 0; r < t.spec().rows(); r++) {
            if (r % 2 == 0) {
                double[] delta = new double[cols];
                for (int col = 0; col < cols; col++) {
                    delta[col] = weight(w) * denseFactor(r, col);
                }
                t.inc(r, delta);
            } else {
                for (int col = 0; col < cols; col++) {
                    t.inc(r, col, weight(w) * denseFactor(r, col));
                }
            }
        }
    }

    private static void addSparse(PsTable t, int w) {
        for (int r = 0; r < t.spec().rows(); r++) {
            int[] cols = new int[TOUCHED_PER_SPARSE_ROW];
            double[] values = new double[TOUCHED_PER_SPARSE_ROW];
            for (int j = 0; j < cols.length; j++) {
                cols[j] = sparseColumn(r, j);
                values[j] = weight(w) * sparseFactor(r, j);
            }
            t.inc(r, cols, values);
        }
    }

    /** Decodes a cell into the number of clocks of each worker it includes. */
    private static int[] counts(double cell, int factor) {
        long v = (long) cell;
        assertEquals(cell, (double) v, "a counter cell holds an integer");
        assertEquals(0, v % factor, "cell " + cell + " is not a multiple of its factor " + factor);
        v /= factor;
        int[] n = new int[WORKERS];
        for (int w = 0; w < WORKERS; w++) {
            n[w] = (int) (v / weight(w) % 100);
        }
        assertEquals(v, (long) n[0] + 100L * n[1] + 10_000L * n[2], "cell " + cell + " decodes exactly");
        return n;
    }

    /** Read-my-writes and the SSP bound for a cell read by worker {@code w} having completed {@code clock} clocks. */
    private static void checkCell(int[] n, int w, int clock, String where) {
        assertEquals(clock, n[w], where + ": worker " + w + " must see exactly its own " + clock + " clocks");
        for (int u = 0; u < WORKERS; u++) {
            if (u != w) {
                assertTrue(n[u] >= clock - STALENESS, where + ": worker " + w + " at clock " + clock + " sees only "
                        + n[u] + " clocks of worker " + u + " (staleness " + STALENESS + ")");
                // Nobody can get further ahead: its own reads would wait for this worker.
                assertTrue(n[u] <= clock + STALENESS + 1, where + ": worker " + u + " ran " + n[u]
                        + " clocks while worker " + w + " was at clock " + clock);
            }
        }
    }

    private static void checkDense(double[][] rows, int w, int clock) {
        for (int r = 0; r < rows.length; r++) {
            for (int col = 0; col < rows[r].length; col++) {
                checkCell(counts(rows[r][col], denseFactor(r, col)), w, clock, "weights(" + r + ", " + col + ")");
            }
        }
    }

    private static void checkSparse(RowValues[] rows, int w, int clock) {
        for (int r = 0; r < rows.length; r++) {
            RowValues row = rows[r];
            assertFalse(row.isDense());
            assertEquals(SPARSE.spec().cols(), row.cols());
            List<Integer> touched = new ArrayList<>();
            for (int j = 0; j < TOUCHED_PER_SPARSE_ROW; j++) {
                touched.add(sparseColumn(r, j));
                checkCell(counts(row.get(sparseColumn(r, j)), sparseFactor(r, j)), w, clock,
                        "counts(" + r + ", " + sparseColumn(r, j) + ")");
            }
            int row0 = r;
            row.forEachNonZero((c, v) -> assertTrue(touched.contains(c),
                    "counts(" + row0 + ", " + c + ") = " + v + " but nobody updates that column"));
        }
    }

    /**
     * Waits until every other worker has a read parked on every shard: they ran {@code STALENESS + 1} clocks
     * ahead of this one, and no further, because their reads now need this worker's next clock.
     */
    private void awaitOthersBlockedOnTheStalenessBound() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!servers.stream().allMatch(s -> s.waitingReads() == WORKERS - 1)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("while worker " + (WORKERS - 1) + " stayed at clock " + PAUSE_AT
                        + ", the others' reads never waited for it; waiting reads by shard: "
                        + servers.stream().map(s -> s.name() + "=" + s.waitingReads()).toList());
            }
            Thread.sleep(2);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private static int[] allRows(TableRef t) {
        int[] rows = new int[t.spec().rows()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        return rows;
    }

    private PsClient client(String name) {
        return cluster.client(name, CONF);
    }

    private RunPlan beginRun(long runId, List<TableRef> tables) {
        return cluster.beginRun(runId, WORKERS, CONF, tables);
    }

    /** Every shard's rows of a table, each checked to hold only the rows its index owns. */
    private List<Rows> readBack(TableRef t) {
        List<Rows> out = cluster.readBack(t);
        for (int shard = 0; shard < out.size(); shard++) {
            for (int r : out.get(shard).snapshot().rows()) {
                assertEquals(shard, r % SHARDS, "row " + r + " is on the wrong shard");
            }
        }
        return out;
    }

    /** One worker's body: its id in, any failure out. */
    private interface WorkerBody {
        Void run(int worker) throws Exception;
    }

    /** Runs every worker on its own thread and rethrows the first failure (the others then fail waiting). */
    private void runWorkers(WorkerBody body) throws Exception {
        LoopbackShards.runWorkers(threads, WORKERS, body::run);
    }
}
