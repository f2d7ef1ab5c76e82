package org.petuum.ps;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.ProcessCache;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;
import org.petuum.ssp.WorkerState;

/**
 * The read path of one {@link PsWorker}: when a row in the process cache is fresh enough for the table's
 * consistency model, this worker's last global barrier and its last wait for the other workers; waiting for a
 * push or a prefetch already on its way instead of asking again; and fetching the rest from the shards in
 * requests that fit a frame, split in halves when a shard refuses one as too large.
 *
 * <p>Not thread-safe: owned by its worker's task thread, like the worker. The futures of {@link #readAsync}
 * complete on network threads; they touch only the in-flight map (concurrent) and the process cache
 * (thread-safe), never the counters or the fences.
 */
final class RowReader {
    /** How long a reader of a pushing table waits for a push before it asks the shard instead. */
    private static final long PUSH_WAIT_MS = 1000;
    /**
     * About how many bytes of dense rows one read request asks for (1 MiB). A large read goes out as several such
     * requests, all at once, so that while the shard encodes one answer the client decodes the one before and
     * the reader installs the one before that; larger requests overlap less, smaller ones cost more headers and
     * lookups per row.
     */
    static final long READ_CHUNK_BYTES = 1L << 20;

    private final PsClient client;
    private final RunPlan plan;
    private final WorkerState state;
    /** The worker's connection to a shard, reopened when the shard closed it (see {@code PsWorker.shard}). */
    private final IntFunction<ShardConnection> shards;
    private final int shardCount;
    /**
     * The clock of the last global barrier: no read after it may return a row of an older version, whatever
     * the table's staleness allows, or a row cached before the barrier would hide updates made before it.
     */
    private long barrierVersion = Long.MIN_VALUE;
    /** Per shard, the last request sent before the last {@link #othersAwaited}: only rows fetched after count. */
    private final long[] freshAfterSeq;
    /** Rows asked for by {@link #readAsync} whose answers have not arrived, by {@link #key}. */
    private final ConcurrentHashMap<Long, CompletableFuture<CachedRow>> inFlight = new ConcurrentHashMap<>();
    private long fetches;
    private long waitNanos;

    RowReader(PsClient client, RunPlan plan, WorkerState state, IntFunction<ShardConnection> shards) {
        this.client = client;
        this.plan = plan;
        this.state = state;
        this.shards = shards;
        this.shardCount = plan.shards().size();
        this.freshAfterSeq = new long[shardCount];
        Arrays.fill(freshAfterSeq, -1);
    }

    /** The read requests sent to shards (reads the process cache could not serve). */
    long fetches() {
        return fetches;
    }

    /** The time spent waiting for rows (fetches, prefetches, pushes), in nanoseconds. */
    long waitNanos() {
        return waitNanos;
    }

    /** After a global barrier at {@code minClock}: no later read returns a row of an older version. */
    void barrierPassed(int minClock) {
        barrierVersion = Math.max(barrierVersion, minClock);
    }

    /**
     * After a wait for the other workers has been answered by every shard. The minimum clock still counts this
     * worker, so versions cannot express "the others are past minClock"; instead only rows fetched after these
     * answers count as fresh. A row counts only if the shard produced it after handling a request sent after
     * these answers (a pushed row may have been produced while the wait was parked).
     */
    void othersAwaited() {
        for (int s = 0; s < shardCount; s++) {
            freshAfterSeq[s] = Math.max(freshAfterSeq[s], shard(s).nextSeq() - 1);
        }
    }

    private ShardConnection shard(int s) {
        return shards.apply(s);
    }

    private static long key(TableRef table, int row) {
        return ((long) table.id() << 32) | (row & 0xffffffffL);
    }

    /**
     * Reads rows of a table under its consistency model (see {@link PsTable}): from the process cache when a row
     * there is fresh enough, after waiting for a prefetch or a push that is on its way, else from the shards.
     * Blocks at most about {@code spark.petuum.readTimeout} plus {@code spark.petuum.requestTimeout} per request.
     */
    RowValues[] read(TableRef table, int[] rows) {
        ProcessCache cache = client.cache();
        RowValues[] out = new RowValues[rows.length];
        Map<Integer, List<Integer>> missing = null;
        boolean[] pushLate = null;
        for (int i = 0; i < rows.length; i++) {
            table.spec().checkRow(rows[i]);
            awaitPrefetch(table, rows[i]);
            CachedRow cached = cache.get(table.id(), rows[i]);
            if (cached != null && table.spec().consistency().pushes() && cached.version() < minVersionOf(table)) {
                // This process already holds the row, so the shard pushes it as soon as it is fresh enough:
                // wait for that rather than ask.
                long minVersion = minVersionOf(table);
                cached = awaitPushed(table, rows[i], cached, c -> c.version() >= minVersion);
            }
            int shard = state.partitioner().shardOf(rows[i]);
            if (cached != null && table.spec().consistency().pushesOnFlush() && !usable(table, rows[i], cached)
                    && withinFences(shard, cached) && (pushLate == null || !pushLate[shard])) {
                // The shard pushes this process's ASYNC rows after each flush, all in one message: the row fell
                // behind only because that push is still on its way (or is being installed row by row), so wait
                // for it rather than ask. A push that did not come in time is not waited for again in this read.
                int row = rows[i];
                cached = awaitPushed(table, row, cached, c -> usable(table, row, c));
                if (!usable(table, row, cached)) {
                    if (pushLate == null) {
                        pushLate = new boolean[shardCount];
                    }
                    pushLate[shard] = true;
                }
            }
            if (usable(table, rows[i], cached)) {
                out[i] = state.view(table, rows[i], cached);
            } else {
                if (missing == null) {
                    missing = new HashMap<>();
                }
                missing.computeIfAbsent(state.partitioner().shardOf(rows[i]), k -> new ArrayList<>()).add(i);
            }
        }
        if (missing != null) {
            fetch(table, rows, missing, out);
        }
        return out;
    }

    private boolean usable(TableRef table, int row, CachedRow cached) {
        return state.isFresh(table, row, cached) && withinFences(state.partitioner().shardOf(row), cached);
    }

    /** Whether {@code cached} is recent enough for the last global barrier and the last wait for the others. */
    private boolean withinFences(int shard, CachedRow cached) {
        return cached.version() >= barrierVersion && cached.fetchSeq() > freshAfterSeq[shard];
    }

    /**
     * Starts reading a row without waiting: the future completes with the row as this worker sees it at the
     * time of the call (the shard's row within the table's bound, with every update this worker had made
     * before the call), on a network thread. A later {@link #read} of the row uses the answer instead of
     * asking again. Does not block.
     */
    CompletableFuture<RowValues> readAsync(TableRef table, int row) {
        WorkerState.OwnUpdates own = state.ownUpdates(table, row);
        CachedRow cached = client.cache().get(table.id(), row);
        if (usable(table, row, cached)) {
            return CompletableFuture.completedFuture(own.apply(cached));
        }
        long key = key(table, row);
        CompletableFuture<CachedRow> arriving = inFlight.get(key);
        if (arriving == null) {
            long minVersion = minVersionOf(table);
            int clock = state.clock();
            long timeout = plan.conf().readTimeoutMs();
            int shard = state.partitioner().shardOf(row);
            fetches++;
            ShardConnection.Pending p = shard(shard).send(
                    seq -> new GetRows(seq, table.id(), minVersion, state.worker(), clock, timeout, new int[] {row}),
                    pushed(table));
            arriving = p.answer().thenApply(m -> {
                Rows answer = (Rows) m;
                CachedRow fetched = new CachedRow(answer.snapshot().version(), answer.watermark(),
                        answer.snapshot().values()[0]);
                client.cache().install(table.id(), row, fetched);
                return fetched;
            });
            CompletableFuture<CachedRow> registered = arriving;
            inFlight.put(key, registered);
            registered.whenComplete((c, t) -> inFlight.remove(key, registered));
        }
        return arriving.thenApply(own::apply);
    }

    /** If a prefetch of the row is under way, waits for it (its answer lands in the cache). */
    private void awaitPrefetch(TableRef table, int row) {
        var arriving = inFlight.get(key(table, row));
        if (arriving != null) {
            long start = System.nanoTime();
            PsClient.await(arriving, plan.conf().readTimeoutMs() + plan.conf().requestTimeoutMs(),
                    () -> "the prefetch of table '" + table.name() + "' row " + row);
            waitNanos += System.nanoTime() - start;
        }
    }

    private long minVersionOf(TableRef table) {
        return Math.max(state.minVersion(table), barrierVersion);
    }

    /**
     * Waits, at most {@link #PUSH_WAIT_MS}, for a push from the shard to make the cached row {@code enough} (a
     * pushing table's row of a newer version, or an ASYNC row refreshed after a flush); returns the cached row then.
     */
    private CachedRow awaitPushed(TableRef table, int row, CachedRow cached, Predicate<CachedRow> enough) {
        long start = System.nanoTime();
        long limit = Math.min(plan.conf().readTimeoutMs(), PUSH_WAIT_MS) * 1_000_000L;
        try {
            CachedRow pushed = client.cache().await(table.id(), row, enough, start + limit);
            return pushed != null ? pushed : cached;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PsException("interrupted while waiting for a push of table '" + table.name() + "' row " + row,
                    true, e);
        } finally {
            waitNanos += System.nanoTime() - start;
        }
    }

    /**
     * Fetches the rows at {@code missing}'s positions from their shards. Each shard is asked in requests of at
     * most {@link PsConf#maxRowsPerRequest()} rows whose answer fits a frame and, for dense rows, is about
     * {@link #READ_CHUNK_BYTES}; every request of the read is sent before any answer is awaited, and each answer
     * is installed as soon as it arrives, in whatever order, so that the shards' encoding, the wire, the client's
     * decoding and the copies here overlap. A request a shard refuses as too large (sparse rows wider than expected)
     * is asked again in two halves. Each request is waited for at most {@code spark.petuum.readTimeout} plus
     * {@code spark.petuum.requestTimeout} from when it was sent.
     */
    private void fetch(TableRef table, int[] rows, Map<Integer, List<Integer>> missing, RowValues[] out) {
        long minVersion = minVersionOf(table);
        int clock = state.clock();
        long timeout = plan.conf().readTimeoutMs();
        long limitNanos = (timeout + plan.conf().requestTimeoutMs()) * 1_000_000L;
        int perRequest = rowsPerRequest(table);
        LinkedBlockingQueue<Part> arrived = new LinkedBlockingQueue<>();
        ArrayDeque<Part> sent = new ArrayDeque<>();
        Request request = new Request(table, rows, minVersion, clock, timeout, limitNanos, arrived);
        for (Map.Entry<Integer, List<Integer>> e : missing.entrySet()) {
            List<Integer> positions = e.getValue();
            for (int from = 0; from < positions.size(); from += perRequest) {
                List<Integer> chunk = positions.subList(from, Math.min(positions.size(), from + perRequest));
                sent.add(ask(request, e.getKey(), chunk));
            }
        }
        long start = System.nanoTime();
        for (int unanswered = sent.size(); unanswered > 0; unanswered--) {
            Part part = nextArrival(request, sent);
            Message m;
            try {
                m = PsClient.await(part.pending.answer(), 0, () -> what(request, part));
            } catch (PsTooLargeException e) {
                int n = part.positions.size();
                if (n == 1) {
                    throw e;
                }
                sent.add(ask(request, part.shard, part.positions.subList(0, n / 2)));
                sent.add(ask(request, part.shard, part.positions.subList(n / 2, n)));
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
        waitNanos += System.nanoTime() - start;
    }

    /**
     * Takes the next request to have its answer (or failure), waiting at most until the deadline of the oldest
     * unanswered one of {@code sent} (in the order sent, so in the order of their deadlines); throws
     * {@link PsTimeoutException} naming that request's shard if it has not been answered by then.
     */
    private Part nextArrival(Request request, ArrayDeque<Part> sent) {
        while (true) {
            while (sent.peekFirst().taken) {
                sent.removeFirst();
            }
            Part oldest = sent.peekFirst();
            long left = oldest.deadlineNanos - System.nanoTime();
            Part done;
            try {
                done = request.arrived().poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PsException("interrupted while waiting for " + what(request, oldest), true, e);
            }
            if (done != null) {
                done.taken = true;
                return done;
            }
            if (!oldest.pending.answer().isDone()) {
                throw new PsTimeoutException("no answer from " + what(request, oldest) + " within "
                        + request.limitNanos() / 1_000_000 + " ms");
            }
            // Answered just now: its arrival is on its way to the queue.
        }
    }

    private String what(Request request, Part part) {
        return plan.shards().get(part.shard) + " for table '" + request.table().name() + "' (worker "
                + state.worker() + " at clock " + request.clock() + ")";
    }

    /** What every request of one {@link #fetch} shares; {@code arrived} receives each request once answered. */
    private record Request(TableRef table, int[] rows, long minVersion, int clock, long timeoutMs, long limitNanos,
                           LinkedBlockingQueue<Part> arrived) {
    }

    /**
     * One read request in flight: the shard asked, the positions (in the caller's row array) it answers, and when
     * it times out. Only {@link #taken} changes, on the reader's thread, once the answer has been taken.
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

    private Part ask(Request request, int shard, List<Integer> positions) {
        fetches++;
        int[] ids = new int[positions.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = request.rows()[positions.get(i)];
        }
        TableRef table = request.table();
        long sent = System.nanoTime();
        ShardConnection.Pending pending = shard(shard).send(seq -> new GetRows(seq, table.id(),
                request.minVersion(), state.worker(), request.clock(), request.timeoutMs(), ids), pushed(table));
        Part part = new Part(shard, positions, pending, sent + request.limitNanos());
        pending.answer().whenComplete((m, t) -> request.arrived().add(part));
        return part;
    }

    /**
     * Whether the shards push rows of {@code table} to their readers (as {@code ShardState} subscribes them): eager
     * push, ASYNC, or managed communication of a clock-bounded table. Only then does the client accept its pushes.
     */
    private boolean pushed(TableRef table) {
        Consistency c = table.spec().consistency();
        return c.pushes() || c.pushesOnFlush() || (plan.conf().bandwidthMbps() > 0 && c.bounded());
    }

    /**
     * Rows per read request: the configured limit, and for dense rows as many as fit one answer frame and
     * {@link #READ_CHUNK_BYTES} (at least one).
     */
    private int rowsPerRequest(TableRef table) {
        int limit = plan.conf().maxRowsPerRequest();
        if (table.spec().storage() == TableSpec.Storage.DENSE) {
            long rowBytes = Rows.rowBytes(table.spec(), null);
            long fit = Math.min(plan.conf().maxFrameBytes() - Rows.FRAME_OVERHEAD, READ_CHUNK_BYTES) / rowBytes;
            limit = (int) Math.max(1, Math.min(limit, fit));
        }
        return limit;
    }
}
