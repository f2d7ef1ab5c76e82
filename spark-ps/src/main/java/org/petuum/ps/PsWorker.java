package org.petuum.ps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.AwaitClock;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.ProcessCache;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.ShardState;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;
import org.petuum.ssp.WorkerState;

/**
 * One worker of a run: the task API. A worker is one partition of the run's data, running for many clocks
 * inside one Spark task. It reads and updates tables through {@link #table(String)} and ends each clock with
 * {@link #clock()}, which sends its updates, tagged (worker, clock), to every shard. When its function returns,
 * the runner {@link #close() closes} it, which sends what it updated after its last clock; when the function
 * throws, the runner {@link #abandon() abandons} it, which sends nothing more.
 *
 * <p>Not thread-safe: owned by its task thread. Tasks of one JVM share the process's connections and cache.
 */
public final class PsWorker implements AutoCloseable {
    private final PsClient client;
    private final RunPlan plan;
    private final WorkerState state;
    private final ShardConnection[] shards;
    private final Map<String, PsTable> tables = new HashMap<>();
    private final List<CompletableFuture<Message>> unackedFlushes = new ArrayList<>();
    private long waitNanos;
    /** The part of {@link #waitNanos} spent in barriers, which no staleness bound could have saved. */
    private long barrierWaitNanos;
    private boolean closed;
    /**
     * The clock of the last global barrier: no read after it may return a row of an older version, whatever
     * the table's staleness allows, or a row cached before the barrier would hide updates made before it.
     */
    /** How long a reader of a pushing table waits for a push before it asks the shard instead. */
    private static final long PUSH_WAIT_MS = 1000;
    private long barrierVersion = Long.MIN_VALUE;
    private final java.util.concurrent.ConcurrentHashMap<Long, java.util.concurrent.CompletableFuture<CachedRow>> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();
    private long fetches;
    private final org.petuum.ps.client.EarlyUpdates early;
    private final long[] freshAfterSeq;

    /** Creates worker {@code workerId} of the planned run on this process's client. */
    public PsWorker(PsClient client, RunPlan plan, int workerId) {
        if (workerId < 0 || workerId >= plan.numWorkers()) {
            throw new IllegalArgumentException("workerId : " + workerId + " (expected: 0 <= workerId < "
                    + plan.numWorkers() + ")");
        }
        this.client = client;
        this.plan = plan;
        this.state = new WorkerState(workerId, new RowPartitioner(plan.shards().size()), plan.startClock());
        client.enterRun(plan.runId());
        this.shards = new ShardConnection[plan.shards().size()];
        this.freshAfterSeq = new long[shards.length];
        java.util.Arrays.fill(freshAfterSeq, -1);
        for (int i = 0; i < shards.length; i++) {
            shards[i] = client.connection(plan.shards().get(i));
        }
        for (TableRef t : plan.tables()) {
            tables.put(t.name(), new PsTable(this, t));
        }
        this.early = new org.petuum.ps.client.EarlyUpdates(state, plan.runId(), plan.numWorkers(), plan.tables(),
                this::shard, client.cache(), plan.conf(), client.nanoTime());
    }

    /** This worker's id: its partition's index, in {@code [0, numWorkers())}. */
    public int id() {
        return state.worker();
    }

    public int numWorkers() {
        return plan.numWorkers();
    }

    /** The number of clocks this worker has completed. */
    public int currentClock() {
        return state.clock();
    }

    /** The total time this worker has spent waiting for rows, in nanoseconds. */
    public long waitNanos() {
        return waitNanos;
    }

    /** The handle of a table that existed when the run started. */
    public PsTable table(String name) {
        PsTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no table '" + name + "' in this run (tables: " + tables.keySet() + ")");
        }
        return t;
    }

    /**
     * Ends this worker's clock: sends its buffered updates to their shards (every shard hears of the clock,
     * with or without updates) and advances the clock. Does not wait for the shards.
     */
    public void clock() {
        checkAlive();
        early.beforeClock(plan.tables());
        checkFlushes(false);
        List<List<RowUpdate>> byShard = state.drainByShard();
        int clock = state.clock();
        for (int s = 0; s < shards.length; s++) {
            List<RowUpdate> updates = byShard.get(s);
            ShardConnection.Pending p = shard(s).send(
                    seq -> new Flush(seq, plan.runId(), state.worker(), clock, updates));
            state.flushed(s, p.seq(), updates);
            unackedFlushes.add(p.answer());
        }
        // The client's clock (the system's, unless a test drives it) times the clock for adaptive bounds.
        state.advanceClock(waitNanos - barrierWaitNanos, client.nanoTime().getAsLong());
        client.clockListener().clocked(plan.runId(), state.worker(), state.clock(), false,
                state.adaptiveBounds(plan.tables()));
    }

    /**
     * Ends this worker's clock and waits until every worker has completed at least as many clocks: after it,
     * every read sees every update that any worker made before its own barrier.
     */
    public void globalBarrier() {
        clock();
        awaitClock(false, state.clock());
    }

    /**
     * Waits until every <em>other</em> worker has completed at least {@code minClock} clocks; afterwards every
     * read returns rows that hold all their updates of all clocks below {@code minClock}, whatever the table's
     * staleness (and, as always, all of this worker's own). Lets a scheduling worker wait for the others'
     * results of a round without ending its own clock.
     *
     * @throws PsTimeoutException after {@code spark.petuum.readTimeout}, naming the slowest worker
     */
    public void awaitOthers(int minClock) {
        awaitClock(true, minClock);
    }

    /**
     * The connection to shard {@code s}, opened anew if the shard closed the old one: a shard closes a
     * connection idle for {@link PsConf#IDLE_TIMEOUT}, which a long clock can be. Its requests were all answered
     * by then (a waiting read ends within the shorter read timeout), and sequence numbers continue on the new one.
     */
    private ShardConnection shard(int s) {
        if (!shards[s].isActive()) {
            shards[s] = client.connection(plan.shards().get(s));
        }
        return shards[s];
    }

    private void awaitClock(boolean othersOnly, int minClock) {
        checkAlive();
        int clock = state.clock();
        long timeout = plan.conf().readTimeoutMs();
        List<ShardConnection.Pending> waits = new ArrayList<>(shards.length);
        for (int s = 0; s < shards.length; s++) {
            waits.add(shard(s).send(seq -> new AwaitClock(seq, othersOnly, minClock, state.worker(), clock, timeout)));
        }
        long start = System.nanoTime();
        for (int s = 0; s < shards.length; s++) {
            int shard = s;
            PsClient.await(waits.get(s).answer(), timeout + plan.conf().requestTimeoutMs(),
                    () -> plan.shards().get(shard) + " (worker " + state.worker() + " waiting for clock " + minClock
                            + ")");
        }
        if (!othersOnly) {
            barrierVersion = Math.max(barrierVersion, minClock);
        } else {
            // The minimum clock still counts this worker, so versions cannot express "the others are past
            // minClock"; instead only rows fetched after these answers count as fresh.
            // A row counts only if the shard produced it after handling a request sent after these answers
            // (a pushed row may have been produced while the wait was parked).
            for (int s = 0; s < shards.length; s++) {
                freshAfterSeq[s] = Math.max(freshAfterSeq[s], shard(s).nextSeq() - 1);
            }
        }
        long waited = System.nanoTime() - start;
        waitNanos += waited;
        barrierWaitNanos += waited;
    }

    /**
     * Ends this worker after its function returned: sends every update it has not sent yet (those made after its
     * last {@link #clock()}, or all of them if it never clocked) to every shard as its last flush, tagged with the
     * clock it had not completed, and waits until every shard has acknowledged it and every clock before it, so
     * that the tables hold all of its updates. A shard applies the last flush once, however often it arrives, and
     * from then on no read of another worker waits for this one. Called by the runner; blocks at most about
     * {@code spark.petuum.requestTimeout} per outstanding acknowledgement. Closing again does nothing.
     *
     * @throws PsException if a shard refuses the last flush or does not acknowledge it in time, naming the shard
     *                     and the tables whose updates it carried
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<List<RowUpdate>> byShard = state.drainByShard();
        int clock = state.clock();
        List<ShardConnection.Pending> last = new ArrayList<>(shards.length);
        for (int s = 0; s < shards.length; s++) {
            List<RowUpdate> updates = byShard.get(s);
            last.add(shard(s).send(seq -> new Flush(seq, plan.runId(), state.worker(), clock, updates, true)));
        }
        early.awaitAll();
        checkFlushes(true);
        for (int s = 0; s < shards.length; s++) {
            awaitLastFlush(s, clock, byShard.get(s), last.get(s).answer());
        }
        client.clockListener().clocked(plan.runId(), state.worker(), clock, true);
    }

    /**
     * Ends this worker after its function failed: drops every update it has not sent and sends nothing more, so
     * the shards hold none of them (the run is then restored from a checkpoint). Does not wait. Idempotent; a
     * later {@link #close()} does nothing.
     */
    public void abandon() {
        if (!closed) {
            closed = true;
            state.drainByShard();
        }
    }

    private void awaitLastFlush(int s, int clock, List<RowUpdate> updates, CompletableFuture<Message> answer) {
        Supplier<String> what = () -> {
            Set<String> names = new TreeSet<>();
            for (RowUpdate u : updates) {
                for (TableRef t : plan.tables()) {
                    if (t.id() == u.tableId()) {
                        names.add("'" + t.name() + "'");
                    }
                }
            }
            return plan.shards().get(s) + " acknowledging the last flush of worker " + state.worker()
                    + " at clock " + clock + " (" + (names.isEmpty() ? "no updates" : "updates of table(s) "
                    + String.join(", ", names)) + ")";
        };
        try {
            PsClient.await(answer, plan.conf().requestTimeoutMs(), what);
        } catch (PsTimeoutException e) {
            throw e;
        } catch (PsException e) {
            throw new PsException(what.get() + " failed: " + e.getMessage(), e.retriable(), e);
        }
    }

    WorkerState state() {
        return state;
    }

    /** Called by {@link PsTable} after every increment. */
    void afterInc(TableRef table, int row) {
        early.afterInc(table, row);
    }

    /** The read requests this worker sent to shards (reads the process cache could not serve). */
    public long fetches() {
        return fetches;
    }

    /** Bytes this worker sent between clocks under managed communication. */
    public long managedBytes() {
        return early.managedBytes();
    }

    /** Reads rows of a table under its consistency model (see {@link PsTable}). */
    RowValues[] read(TableRef table, int[] rows) {
        checkAlive();
        early.beforeRead();
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
                        pushLate = new boolean[shards.length];
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

    /** Whether {@code cached} is recent enough for the last global barrier and the last {@link #awaitOthers}. */
    private boolean withinFences(int shard, CachedRow cached) {
        return cached.version() >= barrierVersion && cached.fetchSeq() > freshAfterSeq[shard];
    }

    /**
     * Starts reading a row without waiting: the future completes with the row as this worker sees it at the
     * time of the call (the shard's row within the table's bound, with every update this worker had made
     * before the call), on a network thread. A later {@link #read} of the row uses the answer instead of
     * asking again.
     */
    java.util.concurrent.CompletableFuture<RowValues> readAsync(TableRef table, int row) {
        checkOpen();
        table.spec().checkRow(row);
        early.beforeRead();
        WorkerState.OwnUpdates own = state.ownUpdates(table, row);
        CachedRow cached = client.cache().get(table.id(), row);
        if (usable(table, row, cached)) {
            return java.util.concurrent.CompletableFuture.completedFuture(own.apply(cached));
        }
        long key = ((long) table.id() << 32) | (row & 0xffffffffL);
        java.util.concurrent.CompletableFuture<CachedRow> arriving = inFlight.get(key);
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
            java.util.concurrent.CompletableFuture<CachedRow> registered = arriving;
            inFlight.put(key, registered);
            registered.whenComplete((c, t) -> inFlight.remove(key, registered));
        }
        return arriving.thenApply(own::apply);
    }

    /** If a prefetch of the row is under way, waits for it (its answer lands in the cache). */
    private void awaitPrefetch(TableRef table, int row) {
        var arriving = inFlight.get(((long) table.id() << 32) | (row & 0xffffffffL));
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
     * most {@link PsConf#maxRowsPerRequest()} rows whose answer fits a frame (known in advance for dense rows);
     * a request a shard refuses as too large (sparse rows wider than expected) is asked again in two halves.
     */
    private void fetch(TableRef table, int[] rows, Map<Integer, List<Integer>> missing, RowValues[] out) {
        long minVersion = minVersionOf(table);
        int clock = state.clock();
        long timeout = plan.conf().readTimeoutMs();
        int perRequest = rowsPerRequest(table);
        List<Part> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : missing.entrySet()) {
            List<Integer> positions = e.getValue();
            for (int from = 0; from < positions.size(); from += perRequest) {
                List<Integer> chunk = positions.subList(from, Math.min(positions.size(), from + perRequest));
                parts.add(ask(table, rows, e.getKey(), chunk, minVersion, clock, timeout));
            }
        }
        long start = System.nanoTime();
        // Halves of a refused part are appended, so the loop reaches them too.
        for (int p = 0; p < parts.size(); p++) {
            Part part = parts.get(p);
            Message m;
            try {
                m = PsClient.await(part.pending().answer(), timeout + plan.conf().requestTimeoutMs(),
                        () -> plan.shards().get(part.shard()) + " for table '" + table.name() + "' (worker "
                                + state.worker() + " at clock " + clock + ")");
            } catch (PsTooLargeException e) {
                int n = part.positions().size();
                if (n == 1) {
                    throw e;
                }
                parts.add(ask(table, rows, part.shard(), part.positions().subList(0, n / 2), minVersion, clock, timeout));
                parts.add(ask(table, rows, part.shard(), part.positions().subList(n / 2, n), minVersion, clock, timeout));
                continue;
            }
            Rows answer = (Rows) m;
            RowsSnapshot snap = answer.snapshot();
            for (int k = 0; k < snap.size(); k++) {
                // The watermark, not the request's own number: a read that waited may hold later requests too.
                CachedRow fetched = new CachedRow(snap.version(), answer.watermark(), snap.values()[k]);
                client.cache().install(table.id(), snap.rows()[k], fetched);
                out[part.positions().get(k)] = state.view(table, snap.rows()[k], fetched);
            }
        }
        waitNanos += System.nanoTime() - start;
    }

    /** One read request in flight: the shard asked and the positions (in the caller's row array) it answers. */
    private record Part(int shard, List<Integer> positions, ShardConnection.Pending pending) {
    }

    private Part ask(TableRef table, int[] rows, int shard, List<Integer> positions, long minVersion, int clock,
                     long timeout) {
        fetches++;
        int[] ids = positions.stream().mapToInt(i -> rows[i]).toArray();
        return new Part(shard, positions, shard(shard).send(
                seq -> new GetRows(seq, table.id(), minVersion, state.worker(), clock, timeout, ids), pushed(table)));
    }

    /**
     * Whether the shards push rows of {@code table} to their readers (as {@code ShardState} subscribes them): eager
     * push, ASYNC, or managed communication of a clock-bounded table. Only then does the client accept its pushes.
     */
    private boolean pushed(TableRef table) {
        Consistency c = table.spec().consistency();
        return c.pushes() || c.pushesOnFlush() || (plan.conf().bandwidthMbps() > 0 && c.bounded());
    }

    /** Rows per read request: the configured limit, and for dense rows as many as fit one answer frame. */
    private int rowsPerRequest(TableRef table) {
        int limit = plan.conf().maxRowsPerRequest();
        if (table.spec().storage() == TableSpec.Storage.DENSE) {
            long fit = (plan.conf().maxFrameBytes() - Rows.FRAME_OVERHEAD) / Rows.rowBytes(table.spec(), null);
            limit = (int) Math.max(1, Math.min(limit, fit));
        }
        return limit;
    }

    private void checkFlushes(boolean waitForAll) {
        for (Iterator<CompletableFuture<Message>> it = unackedFlushes.iterator(); it.hasNext(); ) {
            CompletableFuture<Message> f = it.next();
            if (waitForAll || f.isDone()) {
                PsClient.await(f, plan.conf().requestTimeoutMs(),
                        () -> "a shard acknowledging a clock of worker " + state.worker());
                it.remove();
            }
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("worker " + state.worker() + " of run " + plan.runId() + " is closed");
        }
    }

    /**
     * As {@link #checkOpen}, and stops a worker whose task Spark has killed (its stage failed or was cancelled): it
     * must not send or wait for anything more. Checked where a worker talks to the shards (clocks and reads), not
     * on every increment, which only buffers.
     */
    private void checkAlive() {
        checkOpen();
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (task != null) {
            task.killTaskIfInterrupted();
        }
    }
}
