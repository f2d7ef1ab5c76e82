package org.petuum.bench.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.petuum.bench.RunFacts;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.Flush;
import org.petuum.ssp.OpLog;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.ShardState;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * Sparse increments applied by one shard: several workers, each on its own client and connection, flush oplogs of
 * random (row, column) increments to a sparse table at every clock, all at once, two clocks in flight each. The
 * rate is the number of cells the flushes carry (after each oplog has coalesced repeats of a cell) divided by the
 * time from the first flush to the last acknowledgement. Side by side, the same flushes applied to a
 * {@link ShardState} directly, in this thread, with no network and no codec: what the shard's state machine alone
 * can do.
 *
 * <p>The oplogs are built before timing, through {@link OpLog} as a worker builds them, and reused from clock to
 * clock (a few different ones per worker), so the rate is the shard's, not the workers'. Each measurement starts
 * on a fresh, empty table.
 *
 * <p>Used by one thread, the benchmark's; the wire measurement starts one thread per worker and waits for them.
 */
final class SparseIncrements {
    /** Flushes a worker has in flight. */
    private static final int WINDOW = 2;

    /**
     * One measurement: {@code increments} applied in {@code seconds} of wall time, while this JVM's threads (shard,
     * clients, GC and JIT alike) used {@code cpuSeconds} of CPU. On a machine shared with other work the wall rate
     * falls with the CPU share the JVM gets; the rate per CPU-second says what the work itself costs.
     * {@code applySeconds}: the shard's time applying the flushes under its lock ({@code shard.applyNanos}; 0 for
     * the state machine alone, which has no server).
     */
    record Rate(long increments, double seconds, double cpuSeconds, double applySeconds) {
        double perSecond() {
            return increments / seconds;
        }

        double perCpuSecond() {
            return increments / cpuSeconds;
        }

        /** The share of the wall time the shard spent applying. */
        double applyShare() {
            return applySeconds / seconds;
        }
    }

    private final LoopbackShard shard;
    private final int rows;
    private final int cols;
    private final int workers;
    private final int clocks;
    private final int incrementsPerClock;
    /**
     * Different oplogs per worker, used in turn: once each has been sent, every cell they carry is stored and the
     * flushes add in place; a stored row has about {@code oplogsEach * workers} cells for each one a flush adds to it.
     */
    private final int oplogsEach;
    /** {@code oplogs[w][v]}: worker w's v-th oplog, as the updates of one flush. */
    private final List<List<List<RowUpdate>>> oplogs = new ArrayList<>();
    private final long[][] cells;
    private final List<PsClient> clients = new ArrayList<>();
    private int nextTableId;

    SparseIncrements(LoopbackShard shard, int firstTableId, int rows, int cols, int workers, int clocks,
                     int incrementsPerClock, int oplogsEach) {
        this.shard = shard;
        this.rows = rows;
        this.cols = cols;
        this.workers = workers;
        this.clocks = clocks;
        this.incrementsPerClock = incrementsPerClock;
        this.oplogsEach = oplogsEach;
        this.nextTableId = firstTableId;
        // Every table of the benchmark gets this id in its updates; the measurements re-tag them (see below).
        TableRef template = table(firstTableId);
        this.cells = new long[workers][oplogsEach];
        SplittableRandom rng = new SplittableRandom(17);
        for (int w = 0; w < workers; w++) {
            List<List<RowUpdate>> variants = new ArrayList<>();
            int mine = incrementsPerClock / workers + (w < incrementsPerClock % workers ? 1 : 0);
            for (int v = 0; v < oplogsEach; v++) {
                OpLog log = new OpLog();
                for (int i = 0; i < mine; i++) {
                    log.inc(template, rng.nextInt(rows), rng.nextInt(cols), 1.0);
                }
                List<RowUpdate> updates = log.drain();
                for (RowUpdate u : updates) {
                    cells[w][v] += u.delta().storedCells();
                }
                variants.add(updates);
            }
            oplogs.add(variants);
            clients.add(shard.newClient("sparse worker " + w));
        }
    }

    String describe() {
        long cellsPerClock = 0;
        for (long[] c : cells) {
            cellsPerClock += c[0];
        }
        return String.format(java.util.Locale.ROOT, "sparse table %,d rows × %,d columns; %d worker(s), each on its "
                        + "own connection, %,d random increments a clock in all (%,d cells after each worker's oplog "
                        + "coalesced repeats), %d clocks, %d flushes in flight a worker, %d different oplogs a worker "
                        + "sent in turn", rows, cols, workers, incrementsPerClock, cellsPerClock, clocks, WINDOW,
                oplogsEach);
    }

    /** The flushes of every worker, sent over loopback to the shard. */
    Rate overTheWire() {
        TableRef table = table(nextTableId++);
        shard.createTable(table);
        try {
            RunPlan plan = shard.beginRun(workers, List.of(table));
            List<List<List<RowUpdate>>> tagged = retag(table.id());
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> done = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                CompletableFuture<Void> f = new CompletableFuture<>();
                done.add(f);
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        sendClocks(clients.get(worker).connection(shard.address()), plan.runId(), worker,
                                tagged.get(worker));
                        f.complete(null);
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                }, "sparse-worker-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            long cpuStart = RunFacts.processCpuNanos();
            long applyStart = shard.applyNanos();
            long start = System.nanoTime();
            go.countDown();
            CompletableFuture.allOf(done.toArray(new CompletableFuture[0]))
                    .get(LoopbackShard.WAIT_MS, TimeUnit.MILLISECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (RunFacts.processCpuNanos() - cpuStart) / 1e9;
            double applySeconds = (shard.applyNanos() - applyStart) / 1e9;
            for (Thread t : threads) {
                t.join(LoopbackShard.WAIT_MS);
            }
            return new Rate(totalCells(), seconds, cpuSeconds, applySeconds);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a sparse worker failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the sparse workers did not finish within " + LoopbackShard.WAIT_MS
                    + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the sparse workers", e);
        } finally {
            shard.dropTable(table.id());
        }
    }

    /** The same flushes applied to a shard's state machine directly, in this thread, worker after worker. */
    Rate inMemory() {
        TableRef table = table(0);
        ShardState<Object> state = new ShardState<>(0, new RowPartitioner(1));
        state.createTable(table);
        state.beginRun(1, workers);
        List<List<List<RowUpdate>>> tagged = retag(table.id());
        long cpuStart = RunFacts.processCpuNanos();
        long start = System.nanoTime();
        for (int c = 0; c < clocks; c++) {
            for (int w = 0; w < workers; w++) {
                if (!state.flush(1, w, c, tagged.get(w).get(c % oplogsEach)).applied()) {
                    throw new IllegalStateException("worker " + w + "'s clock " + c + " was not applied");
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Rate(totalCells(), seconds, (RunFacts.processCpuNanos() - cpuStart) / 1e9, 0);
    }

    private void sendClocks(ShardConnection c, long runId, int worker, List<List<RowUpdate>> variants)
            throws InterruptedException {
        Semaphore free = new Semaphore(WINDOW);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int clock = 0; clock < clocks && failure.get() == null; clock++) {
            if (!free.tryAcquire(LoopbackShard.WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("worker " + worker + ": no acknowledgement within "
                        + LoopbackShard.WAIT_MS + " ms at clock " + clock);
            }
            int k = clock;
            c.send(seq -> new Flush(seq, runId, worker, k, variants.get(k % oplogsEach))).answer()
                    .whenComplete((m, t) -> {
                        if (t != null) {
                            failure.compareAndSet(null, t);
                        } else if (!(m instanceof Ack a) || !a.applied()) {
                            failure.compareAndSet(null, new IllegalStateException("worker " + worker + "'s clock "
                                    + k + " was answered by " + m));
                        }
                        free.release();
                    });
        }
        if (!free.tryAcquire(WINDOW, LoopbackShard.WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("worker " + worker + ": the last acknowledgements did not come within "
                    + LoopbackShard.WAIT_MS + " ms");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("worker " + worker + ": " + failure.get(), failure.get());
        }
    }

    private long totalCells() {
        long n = 0;
        for (int c = 0; c < clocks; c++) {
            for (int w = 0; w < workers; w++) {
                n += cells[w][c % oplogsEach];
            }
        }
        return n;
    }

    /** The oplogs with their updates addressed to table {@code tableId}; the row deltas are shared, not copied. */
    private List<List<List<RowUpdate>>> retag(int tableId) {
        List<List<List<RowUpdate>>> out = new ArrayList<>(oplogs.size());
        for (List<List<RowUpdate>> variants : oplogs) {
            List<List<RowUpdate>> v = new ArrayList<>(variants.size());
            for (List<RowUpdate> updates : variants) {
                List<RowUpdate> u = new ArrayList<>(updates.size());
                for (RowUpdate x : updates) {
                    u.add(new RowUpdate(tableId, x.row(), x.delta()));
                }
                v.add(u);
            }
            out.add(v);
        }
        return out;
    }

    private TableRef table(int id) {
        return new TableRef(id, TableSpec.sparse("sparse-" + id, rows, cols).staleness(0));
    }
}
