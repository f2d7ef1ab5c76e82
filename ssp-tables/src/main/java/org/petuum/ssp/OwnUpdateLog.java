package org.petuum.ssp;

import java.util.ArrayDeque;
import java.util.List;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;
import org.petuum.shaded.fastutil.longs.Long2LongOpenHashMap;
import org.petuum.shaded.fastutil.longs.Long2ObjectOpenHashMap;

/**
 * One worker's sent updates that a cached row may not hold yet, per row, so that {@link WorkerState} can add them
 * back to such a row (read-my-writes) instead of fetching it again; and, per row, the sequence number of the
 * worker's last message that carried an update of it.
 *
 * <p>Memory is bounded two ways. A row keeps at most {@link #LIMIT_PER_ROW} entries. And in a clock-bounded
 * table (BSP, SSP, ESSP, SSP_AUTO) an update of clock {@code k} is dropped once the worker has completed more than
 * {@code k + s} clocks ({@code s} the table's staleness, for SSP_AUTO its max; when {@code s} is below
 * {@link #LIMIT_PER_ROW}): every row the worker may then read has a version above {@code k}, so it holds that update
 * already. Without the second bound a worker that writes
 * many dense rows keeps {@link #LIMIT_PER_ROW} deltas of every one of them alive (a quarter of a gigabyte for a
 * thousand rows of a thousand doubles), long enough for the garbage collector to copy them all to the old
 * generation. Dropping is always safe: a cached row older than a dropped entry is no longer fresh
 * ({@link #canComplete}) and is fetched again.
 *
 * <p>Logged deltas are shared with the messages that carried them and are never mutated. Not thread-safe: owned
 * by the worker's task thread, like its {@link WorkerState}.
 */
final class OwnUpdateLog {
    /** The most sent updates kept per row. */
    static final int LIMIT_PER_ROW = 32;

    /** A sent update: the sequence number of its message, the clock it belongs to, and the delta. */
    record Sent(long seq, int clock, RowValues delta) {
    }

    /** Which row's entry expires when: entries of one bounded table, in the order they were logged. */
    private record Logged(long key, long seq, int clock) {
    }

    /** Per table, per row: the sequence number of the last message that carried an update of the row. */
    private final Int2ObjectOpenHashMap<Long2LongOpenHashMap> lastSentSeq = new Int2ObjectOpenHashMap<>();
    private final Long2ObjectOpenHashMap<ArrayDeque<Sent>> log = new Long2ObjectOpenHashMap<>();
    /** Per row, the largest sequence number dropped from its log: older cached rows cannot be completed. */
    private final Long2LongOpenHashMap dropped = new Long2LongOpenHashMap();
    /** Per clock-bounded table, its logged entries oldest first, and the staleness that bounds their life. */
    private final Int2ObjectOpenHashMap<ArrayDeque<Logged>> expiring = new Int2ObjectOpenHashMap<>();
    private final Int2ObjectOpenHashMap<TableRef> bounded = new Int2ObjectOpenHashMap<>();

    static long key(int tableId, int row) {
        return ((long) tableId << 32) | (row & 0xffffffffL);
    }

    /**
     * Records that the worker sent {@code delta} for a row at clock {@code clock}, in the message with sequence
     * number {@code seq}.
     *
     * @param table the row's table if known ({@code null}: no clock bound applies, only {@link #LIMIT_PER_ROW})
     */
    void sent(TableRef table, int tableId, int row, long seq, int clock, RowValues delta) {
        Long2LongOpenHashMap last = lastSentSeq.get(tableId);
        if (last == null) {
            last = new Long2LongOpenHashMap();
            last.defaultReturnValue(Long.MIN_VALUE);
            lastSentSeq.put(tableId, last);
        }
        // A message recorded late never lowers the bar a cached row must pass.
        last.put(row, Math.max(last.get(row), seq));
        if (table != null && !table.spec().updateRule().isAdd()) {
            return; // gradients: no cached row is ever completed with them (see canComplete)
        }
        long key = key(tableId, row);
        ArrayDeque<Sent> entries = log.get(key);
        if (entries == null) {
            entries = new ArrayDeque<>();
            log.put(key, entries);
        }
        entries.addLast(new Sent(seq, clock, delta));
        if (entries.size() > LIMIT_PER_ROW) {
            dropOldest(key, entries);
        }
        if (table != null && table.spec().consistency().bounded()
                && table.spec().consistency().staleness() < LIMIT_PER_ROW) {
            // (With a larger staleness the per-row limit binds first for rows written every clock, and the queue
            // would hold an entry for every update of s clocks.)
            ArrayDeque<Logged> q = expiring.get(tableId);
            if (q == null) {
                q = new ArrayDeque<>();
                expiring.put(tableId, q);
                bounded.put(tableId, table);
            }
            q.addLast(new Logged(key, seq, clock));
        }
    }

    /**
     * Whether {@code cached} holds every update of the row this worker sent, or the log can add back those it
     * lacks (in an additive table, with none of them dropped).
     */
    boolean canComplete(TableRef table, int row, CachedRow cached) {
        Long2LongOpenHashMap last = lastSentSeq.get(table.id());
        if (last == null || cached.fetchSeq() >= last.get(row)) {
            return true; // never sent, or the row holds the last one (so every one)
        }
        if (!table.spec().updateRule().isAdd()) {
            return false;
        }
        long key = key(table.id(), row);
        return log.containsKey(key) && cached.fetchSeq() >= (dropped.containsKey(key) ? dropped.get(key)
                : Long.MIN_VALUE);
    }

    /**
     * The row's logged updates after dropping those a row up to {@code fetchSeq} holds: a copy older than that
     * row (an evicted row answered again late) can no longer be completed, so {@link #canComplete} rejects it.
     */
    Iterable<Sent> trimTo(int tableId, int row, long fetchSeq) {
        long key = key(tableId, row);
        ArrayDeque<Sent> entries = log.get(key);
        if (entries == null) {
            return List.of();
        }
        while (!entries.isEmpty() && entries.peekFirst().seq() <= fetchSeq) {
            dropOldest(key, entries);
        }
        return entries;
    }

    /** The row's logged updates as they stand now, detached from this log. */
    List<Sent> snapshot(int tableId, int row) {
        ArrayDeque<Sent> entries = log.get(key(tableId, row));
        return entries == null ? List.of() : List.copyOf(entries);
    }

    /**
     * After the worker completed its clock {@code clock - 1}: drops the entries of clock-bounded tables that no
     * row the worker may read from now on can lack (clock {@code k} with {@code k + s < clock}).
     */
    void clockCompleted(int clock) {
        for (var e : expiring.int2ObjectEntrySet()) {
            long staleness = bounded.get(e.getIntKey()).spec().consistency().staleness();
            ArrayDeque<Logged> q = e.getValue();
            while (!q.isEmpty() && q.peekFirst().clock() + staleness < clock) {
                Logged old = q.removeFirst();
                ArrayDeque<Sent> entries = log.get(old.key());
                while (entries != null && !entries.isEmpty() && entries.peekFirst().seq() <= old.seq()) {
                    dropOldest(old.key(), entries);
                }
                if (entries != null && entries.isEmpty()) {
                    // The row's every sent update is in every row fresh enough to read: canComplete answers from
                    // lastSentSeq alone, as for a row whose log was never needed.
                    log.remove(old.key());
                }
            }
        }
    }

    /** The number of logged updates, over all rows: for tests. */
    int size() {
        int n = 0;
        for (ArrayDeque<Sent> entries : log.values()) {
            n += entries.size();
        }
        return n;
    }

    private void dropOldest(long key, ArrayDeque<Sent> entries) {
        long seq = entries.removeFirst().seq();
        if (!dropped.containsKey(key) || dropped.get(key) < seq) {
            dropped.put(key, seq);
        }
    }
}
