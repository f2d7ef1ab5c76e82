package org.petuum.ssp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;
import org.petuum.shaded.fastutil.ints.IntOpenHashSet;

/**
 * Which processes read which rows of one shard, and how much those rows changed since they were last pushed:
 * what a shard needs to push rows unasked — every subscribed row of an eager-push (ESSP) table when the
 * minimum clock advances, a process's rows of ASYNC tables after each of its flushes, and the most-changed rows
 * under managed communication.
 *
 * <p>Not thread-safe: owned by its {@link ShardState}, under the same lock.
 */
final class Subscriptions {
    /** How a shard's tables and rows are looked up. */
    interface Store {
        /** The table with this id, or {@code null}. */
        TableRef table(int tableId);

        /**
         * The stored row, or {@code null} when it was never written, to look at now: it may change at the next call on
         * the store, and must be neither kept nor changed.
         */
        RowValues row(int tableId, int row);

        /** The row as it is now, never to change (zeros when it was never written): to push. */
        RowValues snapshot(int tableId, int row);
    }

    private final Map<Object, Int2ObjectOpenHashMap<IntOpenHashSet>> byReader = new HashMap<>();
    private final Map<Long, Double> changedSincePush = new HashMap<>();
    private boolean managed;
    /** The bytes of one push message besides its rows, as the transport frames it. */
    private long messageBytes;

    /** Turns managed communication on or off (see {@link ShardState#managedPush}). */
    void managed(boolean on, long messageBytes) {
        this.managed = on;
        this.messageBytes = messageBytes;
    }

    /**
     * Remembers that {@code reader} read {@code rows} of {@code table} if the shard pushes that table's rows: eager
     * push (ESSP), ASYNC, or managed communication of a clock-bounded table. A dropped table ({@code null}) is not.
     */
    void subscribeIfPushed(Object reader, TableRef table, int[] rows) {
        Consistency c = table == null ? null : table.spec().consistency();
        if (c != null && (c.pushes() || c.pushesOnFlush() || (managed && c.bounded()))) {
            subscribe(reader, table.id(), rows);
        }
    }

    void subscribe(Object reader, int tableId, int[] rows) {
        var byTable = byReader.computeIfAbsent(reader, k -> new Int2ObjectOpenHashMap<>());
        IntOpenHashSet set = byTable.get(tableId);
        if (set == null) {
            set = new IntOpenHashSet();
            byTable.put(tableId, set);
        }
        for (int r : rows) {
            set.add(r);
        }
    }

    /** Forgets a reader (its connection closed); returns how many rows it had subscribed to. */
    int unsubscribe(Object reader) {
        var byTable = byReader.remove(reader);
        int n = 0;
        if (byTable != null) {
            for (IntOpenHashSet rows : byTable.values()) {
                n += rows.size();
            }
        }
        return n;
    }

    void dropTable(int tableId) {
        for (var byTable : byReader.values()) {
            byTable.remove(tableId);
        }
        changedSincePush.keySet().removeIf(k -> (int) (k >>> 32) == tableId);
    }

    void clear() {
        byReader.clear();
        changedSincePush.clear();
    }

    /** Under managed communication, tallies updates sent between clocks per row (see {@link #mostChanged}). */
    void tallyEarly(List<RowUpdate> updates) {
        if (managed) {
            for (RowUpdate u : updates) {
                tally(u.tableId(), u.row(), u.delta().maxAbs());
            }
        }
    }

    /**
     * What a flush that was applied pushes: every subscribed row of the eager-push tables when the visible clock
     * advanced, and {@code flusher}'s rows of ASYNC tables (none when {@code flusher} is {@code null}).
     */
    List<ShardPush> afterFlush(Store store, boolean visibleAdvanced, Object flusher, long version) {
        List<ShardPush> pushes = visibleAdvanced ? eager(store, version) : List.of();
        if (flusher != null) {
            List<ShardPush> refreshed = onFlush(store, flusher, version);
            if (!refreshed.isEmpty()) {
                pushes = new ArrayList<>(pushes);
                pushes.addAll(refreshed);
            }
        }
        return pushes;
    }

    /** Adds {@code magnitude} to the change of a row since its last push. */
    void tally(int tableId, int row, double magnitude) {
        changedSincePush.merge(key(tableId, row), magnitude, Double::sum);
    }

    /** Fresh copies of every subscribed row of every pushing (ESSP) table, per reader. */
    List<ShardPush> eager(Store store, long version) {
        List<ShardPush> out = new ArrayList<>();
        for (var e : byReader.entrySet()) {
            for (var t : e.getValue().int2ObjectEntrySet()) {
                TableRef table = store.table(t.getIntKey());
                if (table == null || t.getValue().isEmpty() || !table.spec().consistency().pushes()) {
                    continue;
                }
                out.add(new ShardPush(e.getKey(), snapshot(store, table, t.getValue().toIntArray(), version)));
            }
        }
        return out;
    }

    /**
     * Fresh copies of the rows of every ASYNC table ({@link Consistency#pushesOnFlush()}) that {@code reader} has
     * read, for {@code reader} alone: what a shard sends a process after each of its flushes.
     */
    List<ShardPush> onFlush(Store store, Object reader, long version) {
        var byTable = byReader.get(reader);
        if (byTable == null) {
            return List.of();
        }
        List<ShardPush> out = new ArrayList<>();
        for (var t : byTable.int2ObjectEntrySet()) {
            TableRef table = store.table(t.getIntKey());
            if (table != null && !t.getValue().isEmpty() && table.spec().consistency().pushesOnFlush()) {
                out.add(new ShardPush(reader, snapshot(store, table, t.getValue().toIntArray(), version)));
            }
        }
        return out;
    }

    private static RowsSnapshot snapshot(Store store, TableRef table, int[] rows, long version) {
        RowValues[] values = new RowValues[rows.length];
        for (int i = 0; i < rows.length; i++) {
            values[i] = store.snapshot(table.id(), rows[i]);
        }
        return new RowsSnapshot(table.id(), version, rows, values);
    }

    /**
     * The rows changed most since their last push (relative to their size: change / largest cell), for the
     * readers that hold them, as many as fit in {@code budgetBytes} on the wire; their tallies restart.
     */
    List<ShardPush> mostChanged(Store store, long budgetBytes, long version) {
        if (changedSincePush.isEmpty() || byReader.isEmpty()) {
            return List.of();
        }
        List<long[]> order = new ArrayList<>();
        List<Double> priority = new ArrayList<>();
        for (var e : changedSincePush.entrySet()) {
            int tableId = (int) (e.getKey() >>> 32);
            int row = (int) (long) e.getKey();
            RowValues values = store.row(tableId, row);
            if (values != null) {
                order.add(new long[] {tableId, row, priority.size()});
                priority.add(e.getValue() / (values.maxAbs() + 1e-12));
            }
        }
        order.sort((a, b) -> Double.compare(priority.get((int) b[2]), priority.get((int) a[2])));
        Map<Object, Map<Integer, List<Integer>>> chosen = new LinkedHashMap<>();
        long spent = 0;
        for (long[] c : order) {
            int tableId = (int) c[0];
            int row = (int) c[1];
            long rowBytes = pushedRowBytes(store.row(tableId, row));
            List<Object> readers = readersOf(tableId, row);
            long cost = 0;
            for (Object reader : readers) {
                boolean newMessage = !chosen.containsKey(reader) || !chosen.get(reader).containsKey(tableId);
                cost += rowBytes + (newMessage ? messageBytes : 0);
            }
            if (readers.isEmpty() || spent + cost > budgetBytes) {
                continue;
            }
            spent += cost;
            for (Object reader : readers) {
                chosen.computeIfAbsent(reader, k -> new LinkedHashMap<>())
                        .computeIfAbsent(tableId, k -> new ArrayList<>()).add(row);
            }
            changedSincePush.remove(key(tableId, row));
        }
        List<ShardPush> out = new ArrayList<>();
        for (var reader : chosen.entrySet()) {
            for (var t : reader.getValue().entrySet()) {
                int[] rows = t.getValue().stream().mapToInt(Integer::intValue).toArray();
                RowValues[] values = new RowValues[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    values[i] = store.snapshot(t.getKey(), rows[i]);
                }
                out.add(new ShardPush(reader.getKey(), new RowsSnapshot(t.getKey(), version, rows, values)));
            }
        }
        return out;
    }

    private List<Object> readersOf(int tableId, int row) {
        List<Object> readers = new ArrayList<>();
        for (var sub : byReader.entrySet()) {
            IntOpenHashSet rows = sub.getValue().get(tableId);
            if (rows != null && rows.contains(row)) {
                readers.add(sub.getKey());
            }
        }
        return readers;
    }

    /** The bytes a pushed row takes on the wire: its id, kind, width and cells (as the codec writes them). */
    static long pushedRowBytes(RowValues row) {
        return 4 + 1 + 4 + (row.isDense() ? 8L * row.cols() : 4 + 12L * row.storedCells());
    }

    private static long key(int tableId, int row) {
        return ((long) tableId << 32) | (row & 0xffffffffL);
    }
}
