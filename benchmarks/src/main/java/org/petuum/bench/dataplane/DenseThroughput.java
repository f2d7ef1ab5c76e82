package org.petuum.bench.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * Dense rows pushed to and pulled from one loopback shard, in two ways each:
 * <ul>
 *   <li><em>protocol</em>: the client's own messages, {@code FLUSH} of a batch of rows per clock, or
 *       {@code GET_ROWS} of a batch of rows, with a fixed number of requests in flight;</li>
 *   <li><em>worker</em>: what a task does through {@link PsWorker} and {@link PsTable}: {@code inc} of a batch
 *       of rows, then {@code clock()} (which sends, and waits only when 16 MiB of its flushes are unacknowledged);
 *       or {@code get} of every row of the table (requests of about 1 MiB, all in flight at once), then
 *       {@code clock()}, so that the next {@code get} must fetch again (the table is BSP).</li>
 * </ul>
 * Every transfer counts the bytes of the frames that carry the rows (length prefix, type, header and rows), so that
 * a raw socket copy of the same number of bytes is a fair baseline.
 *
 * <p>Used by one thread, the benchmark's.
 */
final class DenseThroughput {

    /** One measured transfer: {@code bytes} of frames in {@code seconds}. */
    record Transfer(long bytes, double seconds) {
        /** Decimal megabytes (10^6 bytes) per second. */
        double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    private final LoopbackShard shard;
    private final PsClient client;
    private final TableRef table;
    private final int window;
    private final long targetBytes;
    private final int[][] batches;
    private final int[] allRows;
    private final double[] delta;
    private final List<List<RowUpdate>> updateBatches = new ArrayList<>();

    /**
     * Creates a dense BSP table of {@code rows} × {@code cols} on the shard, filled with random values.
     *
     * @param rowsPerRequest rows per {@code FLUSH} and {@code GET_ROWS} of the protocol transfers, and per clock of
     *                       the worker's pushes
     * @param window         protocol requests in flight
     * @param targetBytes    roughly how many bytes each transfer moves (whole messages, at least one)
     */
    DenseThroughput(LoopbackShard shard, int tableId, int rows, int cols, int rowsPerRequest, int window,
                    long targetBytes) {
        this.shard = shard;
        this.window = window;
        this.targetBytes = targetBytes;
        this.table = new TableRef(tableId, TableSpec.dense("dense-" + tableId, rows, cols).staleness(0));
        this.client = shard.newClient("dense worker");
        shard.createTable(table);
        SplittableRandom rng = new SplittableRandom(tableId);
        int batchCount = (rows + rowsPerRequest - 1) / rowsPerRequest;
        this.batches = new int[batchCount][rowsPerRequest];
        for (int b = 0; b < batchCount; b++) {
            for (int i = 0; i < rowsPerRequest; i++) {
                batches[b][i] = (b * rowsPerRequest + i) % rows;
            }
            RowValues[] values = new RowValues[rowsPerRequest];
            for (int i = 0; i < rowsPerRequest; i++) {
                values[i] = DenseRow.wrap(rng.doubles(cols).toArray());
            }
            shard.putRows(tableId, batches[b], values);
        }
        this.allRows = new int[rows];
        for (int r = 0; r < rows; r++) {
            allRows[r] = r;
        }
        this.delta = rng.doubles(cols, -1e-3, 1e-3).toArray();
        DenseRow shared = DenseRow.wrap(delta);
        for (int[] batch : batches) {
            List<RowUpdate> updates = new ArrayList<>(batch.length);
            for (int r : batch) {
                updates.add(new RowUpdate(tableId, r, shared));
            }
            updateBatches.add(updates);
        }
    }

    String describe() {
        return String.format(java.util.Locale.ROOT, "dense table %,d rows × %,d doubles (%,d bytes a row), BSP; "
                        + "%,d rows a request, %d request(s) in flight; about %,d MB a transfer",
                table.spec().rows(), table.spec().cols(), 8L * table.spec().cols(), batches[0].length, window,
                targetBytes / 1_000_000);
    }

    /** {@code FLUSH} messages of one worker, one clock each, a batch of dense rows in each. */
    Transfer pushProtocol() {
        RunPlan plan = shard.beginRun(1, List.of(table));
        ShardConnection c = client.connection(shard.address());
        long frame = frameBytes(new Flush(0, plan.runId(), 0, 0, updateBatches.get(0)));
        int count = count(frame);
        double seconds = pipelined(count, i -> c.send(seq -> new Flush(seq, plan.runId(), 0, i,
                updateBatches.get(i % updateBatches.size()))).answer(), null);
        return new Transfer(count * frame, seconds);
    }

    /** {@code GET_ROWS} of a batch of rows each, of version 0 (served at once). */
    Transfer pullProtocol() {
        shard.beginRun(1, List.of(table));
        ShardConnection c = client.connection(shard.address());
        long timeout = shard.conf().readTimeoutMs();
        LongAdder bytes = new LongAdder();
        int count = count(rowsFrameBytes(batches[0].length));
        double seconds = pipelined(count, i -> c.send(seq -> new GetRows(seq, table.id(), 0, 0, 0, timeout,
                batches[i % batches.length])).answer(), bytes);
        return new Transfer(bytes.sum(), seconds);
    }

    /** A worker's {@code inc} of a batch of dense rows and {@code clock()}, again and again; then its close. */
    Transfer pushWorker() {
        RunPlan plan = shard.beginRun(1, List.of(table));
        long frame = frameBytes(new Flush(0, plan.runId(), 0, 0, updateBatches.get(0)));
        int count = count(frame);
        long start;
        try (PsWorker worker = new PsWorker(client, plan, 0)) {
            PsTable t = worker.table(table.name());
            start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                for (int r : batches[i % batches.length]) {
                    t.inc(r, delta);
                }
                worker.clock();
            }
        } // close() waits until the shard has acknowledged every clock
        return new Transfer(count * frame, (System.nanoTime() - start) / 1e9);
    }

    /** A worker's {@code get} of every row of the table and {@code clock()}, again and again. */
    Transfer pullWorker() {
        RunPlan plan = shard.beginRun(1, List.of(table));
        long frame = rowsFrameBytes(allRows.length);
        int count = count(frame);
        long start;
        long end;
        try (PsWorker worker = new PsWorker(client, plan, 0)) {
            PsTable t = worker.table(table.name());
            start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                double[][] rows = t.get(allRows);
                if (rows.length != allRows.length) {
                    throw new IllegalStateException("get returned " + rows.length + " rows (expected: "
                            + allRows.length + ")");
                }
                worker.clock();
            }
            end = System.nanoTime();
        }
        return new Transfer(count * frame, (end - start) / 1e9);
    }

    /** Bytes of a {@code ROWS} frame with {@code n} rows of this table. */
    private long rowsFrameBytes(int n) {
        RowValues[] values = new RowValues[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = DenseRow.wrap(delta);
            ids[i] = i;
        }
        return frameBytes(new Rows(0, new RowsSnapshot(table.id(), 0, ids, values)));
    }

    /** A message's frame on the wire (see {@link FrameLayout}). */
    static long frameBytes(Message m) {
        return FrameLayout.frameBytes(m);
    }

    private int count(long frameBytes) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (targetBytes + frameBytes - 1) / frameBytes));
    }

    /**
     * Sends {@code count} requests with at most {@link #window} of them unanswered, and waits for the last answer.
     * Answers must be {@code ACK} (applied) or {@code ROWS}; the frame bytes of the answers are added to
     * {@code answerBytes} when it is given.
     *
     * @return seconds from the first send to the last answer
     */
    private double pipelined(int count, IntFunction<CompletableFuture<Message>> send, LongAdder answerBytes) {
        Semaphore free = new Semaphore(window);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count && failure.get() == null; i++) {
                if (!free.tryAcquire(LoopbackShard.WAIT_MS, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("no answer from " + shard.address() + " within "
                            + LoopbackShard.WAIT_MS + " ms, with " + window + " request(s) in flight at request " + i);
                }
                int request = i;
                send.apply(i).whenComplete((m, t) -> {
                    if (t != null) {
                        failure.compareAndSet(null, t);
                    } else if (m instanceof Ack a && !a.applied()) {
                        failure.compareAndSet(null, new IllegalStateException("request " + request
                                + " was not applied (a repeated clock?)"));
                    } else if (answerBytes != null) {
                        answerBytes.add(frameBytes(m));
                    }
                    free.release();
                });
            }
            if (!free.tryAcquire(window, LoopbackShard.WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the last answers from " + shard.address() + " did not come within "
                        + LoopbackShard.WAIT_MS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + shard.address(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("a request to " + shard.address() + " failed: " + failure.get(),
                    failure.get());
        }
        return seconds;
    }
}
