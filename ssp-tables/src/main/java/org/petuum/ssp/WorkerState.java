package org.petuum.ssp;

import java.util.ArrayList;
import java.util.List;

/**
 * One worker's side of the consistency protocol: its clock, its oplog, and the rule that decides whether
 * a cached row may be returned to it.
 *
 * <p>A cached row is fresh enough when
 * <ul>
 *   <li>its version satisfies the table's staleness bound for this worker's clock (bounded models), and</li>
 *   <li>it includes this worker's last update of that row (read-my-writes): its {@code fetchSeq}, the last
 *       request of this process the shard had handled when it produced the row, is at least the sequence
 *       number of that update; or the worker still holds in a small log every update of that row it sent
 *       since, and {@link #view(TableRef, int, CachedRow)} adds them back (as Bösen applies a worker's
 *       own updates to its process's rows), so rows it writes every clock need not be fetched every clock.</li>
 *   <li>Under {@code ASYNC}, where versions bound nothing, instead of the version: the row is at most one clock
 *       behind this worker, that is its shard produced it after it had handled this worker's flush of the clock
 *       before last ({@code fetchSeq} at least that flush's sequence number). Shards push the rows a process
 *       reads after each of its flushes ({@link Consistency#pushesOnFlush()}), so the push that follows the last
 *       flush normally arrives during the clock and the read never asks; a copy older than the bound (the push
 *       is late, or was lost with its connection) is waited for or fetched again.</li>
 * </ul>
 * Under {@code SSP_AUTO} the staleness bound is the one in force for this worker and table at the moment of the
 * read ({@link #staleness(TableRef)}): a {@link StalenessController} per table picks it at each clock within
 * {@code [0, max]}, from what {@link #advanceClock(long, long)}, {@link #view(TableRef, int, CachedRow)} and
 * {@link #drainByShard()} tell it; fetches ask for {@link #minVersion(TableRef)} under the same bound.
 * Under {@code VALUE_BOUND} no cached row is fresh: the writers keep the bound, and readers read what the shard
 * holds.
 * Updates not yet sent are added to whatever is read ({@link #view}), except in tables with an optimizer
 * ({@link UpdateRule}), where they are gradients rather than changes of the values.
 *
 * <p>Not thread-safe: owned by the worker's task thread.
 */
public final class WorkerState {
    private final int worker;
    private final RowPartitioner partitioner;
    private final OpLog oplog = new OpLog();
    private final long[] lastFlushSeq;
    /** Per shard, {@link #lastFlushSeq} when this worker completed its last clock. */
    private final long[] seqAtLastClock;
    /** Per shard, {@link #lastFlushSeq} when this worker completed the clock before last: the ASYNC bound. */
    private final long[] seqAtClockBeforeLast;
    /** This worker's sent updates, for read-my-writes. */
    private final OwnUpdateLog ownLog = new OwnUpdateLog();

    private int clock;
    private final AdaptiveBounds adaptive = new AdaptiveBounds();

    public WorkerState(int worker, RowPartitioner partitioner) {
        this(worker, partitioner, 0);
    }

    /** A worker that resumes after {@code startClock} completed clocks. */
    public WorkerState(int worker, RowPartitioner partitioner, int startClock) {
        this.worker = worker;
        this.partitioner = partitioner;
        this.lastFlushSeq = new long[partitioner.numShards()];
        java.util.Arrays.fill(lastFlushSeq, -1);
        this.seqAtLastClock = lastFlushSeq.clone();
        this.seqAtClockBeforeLast = lastFlushSeq.clone();
        this.clock = startClock;
    }

    public int worker() {
        return worker;
    }

    /** The number of clocks this worker has completed. */
    public int clock() {
        return clock;
    }

    public OpLog oplog() {
        return oplog;
    }

    public RowPartitioner partitioner() {
        return partitioner;
    }

    /** The smallest row version this worker may read from {@code table} now (under the bound in force). */
    public long minVersion(TableRef table) {
        StalenessController s = adaptive.of(table);
        return s == null ? table.spec().consistency().minVersion(clock) : (long) clock - s.bound();
    }

    /**
     * The staleness bound in force for this worker's reads of {@code table} now: for {@code SSP_AUTO} what its
     * controller picked for the current clock, in {@code [0, max]}; otherwise the table's fixed staleness.
     */
    public int staleness(TableRef table) {
        StalenessController s = adaptive.of(table);
        return s == null ? table.spec().consistency().staleness() : s.bound();
    }

    /** The bound in force of each {@code SSP_AUTO} table among {@code tables}, by name, in their order. */
    public java.util.Map<String, Integer> adaptiveBounds(List<TableRef> tables) {
        return adaptive.bounds(tables);
    }

    /** Whether {@code cached} may be returned to this worker for {@code row} of {@code table}. */
    public boolean isFresh(TableRef table, int row, CachedRow cached) {
        if (cached == null) {
            return false;
        }
        Consistency c = table.spec().consistency();
        if (c.model() == Consistency.Model.VALUE_BOUND) {
            // The bound is kept by the writers; a reader only has to read what the shard holds now.
            return false;
        }
        if (c.bounded() ? cached.version() < minVersion(table)
                : cached.fetchSeq() < seqAtClockBeforeLast[partitioner.shardOf(row)]) {
            return false;
        }
        return holdsOwnUpdates(table, row, cached);
    }

    /** Whether {@code cached} holds this worker's sent updates of the row, or {@link #view} can add them back. */
    private boolean holdsOwnUpdates(TableRef table, int row, CachedRow cached) {
        return ownLog.canComplete(table, row, cached);
    }

    /**
     * What this worker sees of a row: {@code base} plus its own updates not yet sent, as a new row. In a table
     * with an optimizer, {@code base} alone (as a copy): the unsent gradients change nothing until applied.
     */
    public RowValues view(TableRef table, int row, RowValues base) {
        RowValues out = base.copy();
        RowValues pending = oplog.pending(table.id(), row);
        // In an optimizer table a pending update is a gradient: only the shard's step turns it into a change.
        if (pending != null && table.spec().updateRule().isAdd()) {
            out.addAll(pending);
        }
        return out;
    }

    /**
     * What this worker sees of a cached or fetched row: its values, plus this worker's own updates that were
     * sent after the row was produced (so the row does not hold them yet), plus those not sent at all. Own
     * updates the row holds are dropped from the log.
     */
    public RowValues view(TableRef table, int row, CachedRow cached) {
        adaptive.served(table, cached.version());
        return compose(cached, table.spec().updateRule().isAdd(), oplog.pending(table.id(), row),
                ownLog.trimTo(table.id(), row, cached.fetchSeq()));
    }

    /** {@code cached}, plus the sent updates it lacks, plus the unsent ones (additive tables only). */
    private static RowValues compose(CachedRow cached, boolean additive, RowValues pending,
                                     Iterable<OwnUpdateLog.Sent> sent) {
        RowValues out = cached.values().copy();
        if (!additive) {
            // In an optimizer table the worker's updates are gradients: only the shard's steps change values.
            return out;
        }
        for (OwnUpdateLog.Sent s : sent) {
            if (s.seq() > cached.fetchSeq()) {
                out.addAll(s.delta());
            }
        }
        if (pending != null) {
            out.addAll(pending);
        }
        return out;
    }

    /**
     * This worker's own updates of a row as they stand now (those not yet sent, and those sent), detached from
     * the worker: {@link OwnUpdates#apply} can run on another thread later, when a row asked for now arrives.
     */
    public OwnUpdates ownUpdates(TableRef table, int row) {
        RowValues pending = oplog.pending(table.id(), row);
        return new OwnUpdates(table.spec().updateRule().isAdd(), pending == null ? null : pending.copy(),
                ownLog.snapshot(table.id(), row));
    }

    /** A snapshot of a worker's own updates of one row; immutable, so any thread may apply it. */
    public static final class OwnUpdates {
        private final boolean additive;
        private final RowValues pending;
        private final List<OwnUpdateLog.Sent> sent;

        private OwnUpdates(boolean additive, RowValues pending, List<OwnUpdateLog.Sent> sent) {
            this.additive = additive;
            this.pending = pending;
            this.sent = sent;
        }

        /** The row as the worker sees it: {@code cached}, plus the sent updates it lacks, plus the unsent ones. */
        public RowValues apply(CachedRow cached) {
            return compose(cached, additive, pending, sent);
        }
    }

    /**
     * Removes the oplog's contents grouped by shard: element {@code i} holds shard {@code i}'s updates
     * (possibly none: every shard must still hear of the clock).
     */
    public List<List<RowUpdate>> drainByShard() {
        List<List<RowUpdate>> out = new ArrayList<>(partitioner.numShards());
        for (int s = 0; s < partitioner.numShards(); s++) {
            out.add(new ArrayList<>());
        }
        List<RowUpdate> drained = oplog.drain();
        adaptive.updated(drained);
        for (RowUpdate u : drained) {
            out.get(partitioner.shardOf(u.row())).add(u);
        }
        return out;
    }

    /** Records that {@code updates} went to {@code shard} in the message with sequence number {@code seq}. */
    public void flushed(int shard, long seq, List<RowUpdate> updates) {
        lastFlushSeq[shard] = Math.max(lastFlushSeq[shard], seq);
        for (RowUpdate u : updates) {
            ownLog.sent(oplog.table(u.tableId()), u.tableId(), u.row(), seq, clock, u.delta());
        }
    }

    /** The sent updates this worker keeps for read-my-writes, over all rows: for tests. */
    int ownLogSize() {
        return ownLog.size();
    }

    /** Completes the current clock, without time measurements for the {@code SSP_AUTO} tables' bounds. */
    public void advanceClock() {
        advanceClock(-1, 0);
    }

    /**
     * Completes the current clock; each {@code SSP_AUTO} table's controller picks the bound of the next one.
     *
     * @param readWaitNanos this worker's total time spent waiting for rows so far (barriers excluded), or -1 if
     *                      not measured; the controllers weigh what it grew by during the clock
     * @param nowNanos      the time now, on the same clock as at the previous call
     */
    public void advanceClock(long readWaitNanos, long nowNanos) {
        adaptive.clockEnded(clock, readWaitNanos, nowNanos);
        for (int s = 0; s < lastFlushSeq.length; s++) {
            seqAtClockBeforeLast[s] = seqAtLastClock[s];
            seqAtLastClock[s] = lastFlushSeq[s];
        }
        clock++;
        ownLog.clockCompleted(clock);
    }
}
