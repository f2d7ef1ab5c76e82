package org.petuum.ps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.ProcessCache;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.WorkerState;

/**
 * The read path of one {@link PsWorker}: when a row in the process cache is fresh enough for the table's
 * consistency model, this worker's last global barrier and its last wait for the other workers; waiting for a
 * push or a prefetch already on its way instead of asking again; and fetching the rest from the shards, in
 * requests of about a megabyte all in flight at once ({@link RowFetch}).
 *
 * <p>Not thread-safe: owned by its worker's task thread, like the worker. The futures of {@link #readAsync}
 * complete on network threads; they touch only the in-flight map (concurrent) and the process cache
 * (thread-safe), never the counters or the fences.
 */
final class RowReader {
    /** How long a reader of a pushing table waits for a push before it asks the shard instead. */
    private static final long PUSH_WAIT_MS = 1000;
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

    /** Fetches the rows at {@code missing}'s positions from their shards (see {@link RowFetch}). */
    private void fetch(TableRef table, int[] rows, Map<Integer, List<Integer>> missing, RowValues[] out) {
        RowFetch fetch = new RowFetch(client, plan, state, shards, table, rows, minVersionOf(table), pushed(table));
        long start = System.nanoTime();
        try {
            fetch.run(missing, out);
        } finally {
            fetches += fetch.requests();
            waitNanos += System.nanoTime() - start;
        }
    }

    /**
     * Whether the shards push rows of {@code table} to their readers (as {@code ShardState} subscribes them): eager
     * push, ASYNC, or managed communication of a clock-bounded table. Only then does the client accept its pushes.
     */
    private boolean pushed(TableRef table) {
        Consistency c = table.spec().consistency();
        return c.pushes() || c.pushesOnFlush() || (plan.conf().bandwidthMbps() > 0 && c.bounded());
    }
}
