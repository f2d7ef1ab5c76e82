package org.petuum.ssp;

import java.util.ArrayList;
import java.util.List;
import org.petuum.shaded.fastutil.ints.Int2LongOpenHashMap;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * One worker's side of the consistency protocol: its clock, its oplog, and the rule that decides whether
 * a cached row may be returned to it.
 *
 * <p>A cached row is fresh enough when
 * <ul>
 *   <li>its version satisfies the table's staleness bound for this worker's clock (bounded models), and</li>
 *   <li>it was fetched after this worker last sent an update of that row (read-my-writes): the worker's own
 *       updates are never missing from what it reads. Under {@code ASYNC}, where versions bound nothing, a
 *       row must have been fetched after the worker's last clock on that row's shard, so reads stay live.</li>
 * </ul>
 * Updates not yet sent are added to whatever is read ({@link #view}).
 *
 * <p>Not thread-safe: owned by the worker's task thread.
 */
public final class WorkerState {
    private final int worker;
    private final RowPartitioner partitioner;
    private final OpLog oplog = new OpLog();
    private final long[] lastFlushSeq;
    private final Int2ObjectOpenHashMap<Int2LongOpenHashMap> ownRowSeq = new Int2ObjectOpenHashMap<>();
    private int clock;

    public WorkerState(int worker, RowPartitioner partitioner) {
        this(worker, partitioner, 0);
    }

    /** A worker that resumes after {@code startClock} completed clocks. */
    public WorkerState(int worker, RowPartitioner partitioner, int startClock) {
        this.worker = worker;
        this.partitioner = partitioner;
        this.lastFlushSeq = new long[partitioner.numShards()];
        java.util.Arrays.fill(lastFlushSeq, -1);
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

    /** The smallest row version this worker may read from {@code table} now. */
    public long minVersion(TableRef table) {
        return table.spec().consistency().minVersion(clock);
    }

    /** Whether {@code cached} may be returned to this worker for {@code row} of {@code table}. */
    public boolean isFresh(TableRef table, int row, CachedRow cached) {
        if (cached == null) {
            return false;
        }
        Consistency c = table.spec().consistency();
        if (!c.bounded()) {
            return cached.fetchSeq() > lastFlushSeq[partitioner.shardOf(row)];
        }
        if (cached.version() < c.minVersion(clock)) {
            return false;
        }
        Int2LongOpenHashMap own = ownRowSeq.get(table.id());
        return own == null || !own.containsKey(row) || cached.fetchSeq() > own.get(row);
    }

    /** What this worker sees of a row: {@code base} plus its own updates not yet sent, as a new row. */
    public RowValues view(TableRef table, int row, RowValues base) {
        RowValues out = base.copy();
        RowValues pending = oplog.pending(table.id(), row);
        if (pending != null) {
            out.addAll(pending);
        }
        return out;
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
        for (RowUpdate u : oplog.drain()) {
            out.get(partitioner.shardOf(u.row())).add(u);
        }
        return out;
    }

    /** Records that {@code updates} went to {@code shard} in the message with sequence number {@code seq}. */
    public void flushed(int shard, long seq, List<RowUpdate> updates) {
        lastFlushSeq[shard] = Math.max(lastFlushSeq[shard], seq);
        for (RowUpdate u : updates) {
            Int2LongOpenHashMap own = ownRowSeq.get(u.tableId());
            if (own == null) {
                own = new Int2LongOpenHashMap();
                ownRowSeq.put(u.tableId(), own);
            }
            // Like lastFlushSeq: a flush recorded late never lowers the bar a cached row must pass.
            own.put(u.row(), own.containsKey(u.row()) ? Math.max(own.get(u.row()), seq) : seq);
        }
    }

    /** Completes the current clock. */
    public void advanceClock() {
        clock++;
    }
}
