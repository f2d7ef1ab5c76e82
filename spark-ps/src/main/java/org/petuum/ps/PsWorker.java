package org.petuum.ps;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.petuum.ps.client.EarlyUpdates;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.AwaitClock;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.Message;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.WorkerState;

/**
 * One worker of a run: the task API. A worker is one partition of the run's data, running for many clocks
 * inside one Spark task. It reads and updates tables through {@link #table(String)} and ends each clock with
 * {@link #clock()}, which sends its updates, tagged (worker, clock), to every shard. When its function returns,
 * the runner {@link #close() closes} it, which sends what it updated after its last clock; when the function
 * throws, the runner {@link #abandon() abandons} it, which sends nothing more.
 *
 * <p>This class keeps the worker's clock and flush lifecycle; its reads (cache freshness, push and prefetch
 * waits, fetches) are a {@link RowReader}'s.
 *
 * <p>Not thread-safe: owned by its task thread. Tasks of one JVM share the process's connections and cache.
 */
public final class PsWorker implements AutoCloseable {
    private final PsClient client;
    private final RunPlan plan;
    private final WorkerState state;
    private final ShardConnection[] shards;
    private final Map<String, PsTable> tables = new HashMap<>();
    /**
     * The most bytes of this worker's clock flushes that may await their shards' acknowledgements (16 MiB):
     * {@link #clock()} waits for the oldest ones beyond it. Without a bound a worker that produces updates faster
     * than its shards apply them queues every clock in memory, and the garbage collector copies them around
     * while they wait; within it, enough flushes stay in flight to keep a link busy (a 10 Gb/s link with a
     * millisecond's round trip holds about 1.25 MB).
     */
    public static final long MAX_UNACKED_FLUSH_BYTES = 16L << 20;

    /** A clock's flush to one shard, sent and not yet known to be acknowledged. */
    private record SentFlush(int shard, int clock, long bytes, CompletableFuture<Message> ack) {
    }

    private final ArrayDeque<SentFlush> unackedFlushes = new ArrayDeque<>();
    private long unackedBytes;
    /**
     * Time spent waiting for other workers' clocks in barriers, which no staleness bound could have saved (the
     * reader counts its own waits for rows, which adaptive bounds answer to).
     */
    private long barrierWaitNanos;
    private boolean closed;
    private final EarlyUpdates early;
    private final RowReader reader;

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
        for (int i = 0; i < shards.length; i++) {
            shards[i] = client.connection(plan.shards().get(i));
        }
        for (TableRef t : plan.tables()) {
            tables.put(t.name(), new PsTable(this, t));
        }
        this.early = new EarlyUpdates(state, plan.runId(), plan.numWorkers(), plan.tables(), this::shard,
                client.cache(), plan.conf(), client.nanoTime());
        this.reader = new RowReader(client, plan, state, this::shard);
    }

    /** The id of this attempt of the run (each attempt a recovery starts has a new one): for tests and diagnostics. */
    long runId() {
        return plan.runId();
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
        return barrierWaitNanos + reader.waitNanos();
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
     * with or without updates) and advances the clock. Does not wait for the shards, unless more than {@link
     * #MAX_UNACKED_FLUSH_BYTES} of this worker's flushes are still unacknowledged: then it waits for the oldest ones
     * (at most {@code spark.petuum.requestTimeout} each, then fails naming the shard and the clock).
     */
    public void clock() {
        checkAlive();
        early.beforeClock(plan.tables());
        checkFlushes(false);
        List<List<RowUpdate>> byShard = state.drainByShard();
        int clock = state.clock();
        for (int s = 0; s < shards.length; s++) {
            List<RowUpdate> updates = byShard.get(s);
            // A bound, not the exact size: that would be one more pass over every cell of the sparse rows.
            long bytes = new Flush(0, plan.runId(), state.worker(), clock, updates).frameBytesBound();
            ShardConnection.Pending p = shard(s).send(
                    seq -> new Flush(seq, plan.runId(), state.worker(), clock, updates));
            state.flushed(s, p.seq(), updates);
            unackedFlushes.addLast(new SentFlush(s, clock, bytes, p.answer()));
            unackedBytes += bytes;
        }
        // The client's clock (the system's, unless a test drives it) times the clock for adaptive bounds.
        state.advanceClock(reader.waitNanos(), client.nanoTime().getAsLong());
        client.clockListener().clocked(plan.runId(), state.worker(), state.clock(), false,
                state.adaptiveBounds(plan.tables()));
        // Back-pressure, once the clock is complete: wait for the oldest flushes while too many bytes are
        // unacknowledged (the newest one may exceed the bound alone).
        while (unackedBytes > MAX_UNACKED_FLUSH_BYTES && unackedFlushes.size() > 1) {
            awaitAck(unackedFlushes.peekFirst());
            unackedBytes -= unackedFlushes.removeFirst().bytes();
        }
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
        if (othersOnly) {
            reader.othersAwaited();
        } else {
            reader.barrierPassed(minClock);
        }
        barrierWaitNanos += System.nanoTime() - start;
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
        return reader.fetches();
    }

    /** Bytes this worker sent between clocks under managed communication. */
    public long managedBytes() {
        return early.managedBytes();
    }

    /** Reads rows of a table under its consistency model (see {@link PsTable} and {@link RowReader#read}). */
    RowValues[] read(TableRef table, int[] rows) {
        checkAlive();
        early.beforeRead();
        return reader.read(table, rows);
    }

    /** Starts reading a row without waiting (see {@link RowReader#readAsync}). */
    CompletableFuture<RowValues> readAsync(TableRef table, int row) {
        checkOpen();
        table.spec().checkRow(row);
        early.beforeRead();
        return reader.readAsync(table, row);
    }

    /**
     * Drops the flushes that are acknowledged (all of them, waiting at most {@code spark.petuum.requestTimeout}
     * for each, when {@code waitForAll}); throws if a shard refused one.
     */
    private void checkFlushes(boolean waitForAll) {
        for (Iterator<SentFlush> it = unackedFlushes.iterator(); it.hasNext(); ) {
            SentFlush f = it.next();
            if (waitForAll || f.ack().isDone()) {
                awaitAck(f);
                it.remove();
                unackedBytes -= f.bytes();
            }
        }
    }

    private void awaitAck(SentFlush f) {
        PsClient.await(f.ack(), plan.conf().requestTimeoutMs(), () -> plan.shards().get(f.shard())
                + " acknowledging the flush of clock " + f.clock() + " of worker " + state.worker());
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
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.killTaskIfInterrupted();
        }
    }
}
