package org.petuum.ps;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;
import org.petuum.ssp.WorkerState;

/**
 * One read's fetch of rows from their shards, for a {@link RowReader}. Each shard is asked in requests of at most
 * {@link PsConf#maxRowsPerRequest()} rows whose answer fits a frame and, for dense rows, is about
 * {@link #READ_CHUNK_BYTES}. Every request is sent before any answer is awaited, to every shard at once, and each
 * answer is installed in the process cache and handed out as soon as it arrives, in whatever order: the shards'
 * encoding, the wire, the client's decoding and the copies here overlap. A request a shard refuses as too large
 * (sparse rows wider than expected) is asked again in two halves.
 *
 * <p>Every request asks for the same minimum version, under the reader's clock at the start of the read, so the
 * rows of one read are as fresh as one request would have made them. Each request is waited for at most
 * {@code spark.petuum.readTimeout} plus {@code spark.petuum.requestTimeout} from when it was sent.
 *
 * <p>Used once, by the reader's task thread; answers arrive on network threads, which only put them in a queue.
 */
final class RowFetch {
    /**
     * About how many bytes of dense rows one read request asks for (1 MiB). A large read goes out as several such
     * requests, all at once, so that while the shard encodes one answer the client decodes the one before and the
     * reader installs the one before that; larger requests overlap less, smaller ones cost more headers and
     * lookups per row.
     */
    static final long READ_CHUNK_BYTES = 1L << 20;

    private final PsClient client;
    private final RunPlan plan;
    private final WorkerState state;
    private final IntFunction<ShardConnection> shards;
    private final TableRef table;
    private final int[] rows;
    private final long minVersion;
    private final boolean expectPushes;
    private final int clock;
    private final long limitNanos;
    /** Requests in the order sent, so in the order of their deadlines; the head is dropped once taken. */
    private final ArrayDeque<Part> sent = new ArrayDeque<>();
    private final LinkedBlockingQueue<Part> arrived = new LinkedBlockingQueue<>();
    private int requests;

    /**
     * @param rows         the rows of the whole read (requests name positions in it)
     * @param minVersion   the smallest version the read may return
     * @param expectPushes whether the shards push rows of this table to their readers (the connection then records
     *                     the rows asked for: see {@code ShardConnection.send})
     */
    RowFetch(PsClient client, RunPlan plan, WorkerState state, IntFunction<ShardConnection> shards, TableRef table,
             int[] rows, long minVersion, boolean expectPushes) {
        this.client = client;
        this.plan = plan;
        this.state = state;
        this.shards = shards;
        this.table = table;
        this.rows = rows;
        this.minVersion = minVersion;
        this.expectPushes = expectPushes;
        this.clock = state.clock();
        this.limitNanos = (plan.conf().readTimeoutMs() + plan.conf().requestTimeoutMs()) * 1_000_000L;
    }

    /** The read requests sent so far (halves of refused ones included). */
    int requests() {
        return requests;
    }

    /**
     * Fetches the rows at {@code missing}'s positions (by shard) and puts what this worker sees of each at its
     * position in {@code out}. Blocks until every request is answered.
     *
     * @throws PsTimeoutException naming the shard of a request not answered in time
     * @throws PsException        if a shard refuses a request (a single row too large for a frame included)
     */
    void run(Map<Integer, List<Integer>> missing, RowValues[] out) {
        int perRequest = rowsPerRequest(table, plan.conf());
        for (Map.Entry<Integer, List<Integer>> e : missing.entrySet()) {
            List<Integer> positions = e.getValue();
            for (int from = 0; from < positions.size(); from += perRequest) {
                ask(e.getKey(), positions.subList(from, Math.min(positions.size(), from + perRequest)));
            }
        }
        for (int unanswered = sent.size(); unanswered > 0; unanswered--) {
            Part part = nextArrival();
            Message m;
            try {
                m = PsClient.await(part.pending.answer(), 0, () -> what(part));
            } catch (PsTooLargeException e) {
                int n = part.positions.size();
                if (n == 1) {
                    throw e;
                }
                ask(part.shard, part.positions.subList(0, n / 2));
                ask(part.shard, part.positions.subList(n / 2, n));
                unanswered += 2;
                continue;
            }
            Rows answer = (Rows) m;
            RowsSnapshot snap = answer.snapshot();
            for (int k = 0; k < snap.size(); k++) {
                // The watermark, not the request's own number: a read that waited may hold later requests too.
                CachedRow fetched = new CachedRow(snap.version(), answer.watermark(), snap.values()[k]);
                client.cache().install(table.id(), snap.rows()[k], fetched);
                out[part.positions.get(k)] = state.view(table, snap.rows()[k], fetched);
            }
        }
    }

    /**
     * Rows per read request: the configured limit, and for dense rows as many as fit one answer frame and
     * {@link #READ_CHUNK_BYTES} (at least one).
     */
    static int rowsPerRequest(TableRef table, PsConf conf) {
        int limit = conf.maxRowsPerRequest();
        if (table.spec().storage() == TableSpec.Storage.DENSE) {
            long rowBytes = Rows.rowBytes(table.spec(), null);
            long fit = Math.min(conf.maxFrameBytes() - Rows.FRAME_OVERHEAD, READ_CHUNK_BYTES) / rowBytes;
            limit = (int) Math.max(1, Math.min(limit, fit));
        }
        return limit;
    }

    private void ask(int shard, List<Integer> positions) {
        requests++;
        int[] ids = new int[positions.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rows[positions.get(i)];
        }
        long timeoutMs = plan.conf().readTimeoutMs();
        long sentAt = System.nanoTime();
        ShardConnection.Pending pending = shards.apply(shard).send(seq -> new GetRows(seq, table.id(), minVersion,
                state.worker(), clock, timeoutMs, ids), expectPushes);
        Part part = new Part(shard, positions, pending, sentAt + limitNanos);
        sent.addLast(part);
        pending.answer().whenComplete((m, t) -> arrived.add(part));
    }

    /**
     * Takes the next request to have its answer (or failure), waiting at most until the deadline of the oldest
     * one not taken yet; throws {@link PsTimeoutException} naming that request's shard if it is not answered by then.
     */
    private Part nextArrival() {
        while (true) {
            while (sent.peekFirst().taken) {
                sent.removeFirst();
            }
            Part oldest = sent.peekFirst();
            Part done;
            PsClient.spinUntil(() -> !arrived.isEmpty());
            try {
                done = arrived.poll(Math.max(0, oldest.deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PsException("interrupted while waiting for " + what(oldest), true, e);
            }
            if (done != null) {
                done.taken = true;
                return done;
            }
            if (!oldest.pending.answer().isDone()) {
                throw new PsTimeoutException("no answer from " + what(oldest) + " within " + limitNanos / 1_000_000
                        + " ms");
            }
            // Answered just now: its arrival is on its way to the queue.
        }
    }

    private String what(Part part) {
        return plan.shards().get(part.shard) + " for table '" + table.name() + "' (worker " + state.worker()
                + " at clock " + clock + ")";
    }

    /**
     * One read request in flight: the shard asked, the positions (in the read's row array) it answers, and when it
     * times out. Only {@link #taken} changes, on the reader's thread, once its answer has been taken.
     */
    private static final class Part {
        final int shard;
        final List<Integer> positions;
        final ShardConnection.Pending pending;
        final long deadlineNanos;
        boolean taken;

        Part(int shard, List<Integer> positions, ShardConnection.Pending pending, long deadlineNanos) {
            this.shard = shard;
            this.positions = positions;
            this.pending = pending;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
