package org.petuum.ssp;

import java.util.ArrayList;
import java.util.List;
import org.petuum.shaded.fastutil.ints.Int2ObjectMap;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;
import org.petuum.shaded.fastutil.ints.IntOpenHashSet;

/**
 * The rows a shard holds: its part of every table, the optimizer state of the tables that have one, and the checks
 * that a row and an update belong here. Knows nothing of runs, clocks or waiting reads ({@link ShardState} does).
 *
 * <p>Answers are built without copying wide dense rows: {@link #snapshot} hands out the stored row itself and
 * remembers it as lent; the next change to a lent row replaces it by a changed copy, so what was handed out never
 * changes and can be encoded after the shard's lock is released. A row read many times between two changes is
 * copied once (or never), instead of once per read.
 *
 * <p>Not thread-safe: owned by one {@link ShardState}.
 */
final class ShardTables implements Subscriptions.Store {
    /** Heap per stored dense row besides its cells (see {@link ShardState#storage()}). */
    static final int DENSE_ROW_BYTES = 48;
    /** Heap per stored sparse row besides its cells (see {@link ShardState#storage()}). */
    static final int SPARSE_ROW_BYTES = 80;
    /** Dense rows from this width up are lent, not copied; narrower ones cost less to copy than to track. */
    static final int LEND_FROM_COLUMNS = 64;

    private final int shardIndex;
    private final RowPartitioner partitioner;
    private final Int2ObjectOpenHashMap<TableRef> tables = new Int2ObjectOpenHashMap<>();
    private final Int2ObjectOpenHashMap<Int2ObjectOpenHashMap<RowValues>> data = new Int2ObjectOpenHashMap<>();
    /** The optimizer state of every table whose update rule is not plain addition. */
    private final Int2ObjectOpenHashMap<OptimizerState> optimizers = new Int2ObjectOpenHashMap<>();
    /** Per table, the rows {@link #snapshot} handed out since their last change: changed only as copies. */
    private final Int2ObjectOpenHashMap<IntOpenHashSet> lent = new Int2ObjectOpenHashMap<>();

    ShardTables(int shardIndex, RowPartitioner partitioner) {
        if (shardIndex < 0 || shardIndex >= partitioner.numShards()) {
            throw new IllegalArgumentException(
                    "shardIndex : " + shardIndex + " (expected: 0 <= shardIndex < " + partitioner.numShards() + ")");
        }
        this.shardIndex = shardIndex;
        this.partitioner = partitioner;
    }

    int shardIndex() {
        return shardIndex;
    }

    int numShards() {
        return partitioner.numShards();
    }

    /** Creates a table; the same table again is a no-op; returns whether it was new. */
    boolean create(TableRef table) {
        TableRef existing = tables.get(table.id());
        if (existing != null) {
            if (!existing.equals(table)) {
                throw new IllegalStateException("table id " + table.id() + " is already '" + existing.name()
                        + "' " + existing.spec() + ", not " + table.spec());
            }
            return false;
        }
        tables.put(table.id(), table);
        data.put(table.id(), new Int2ObjectOpenHashMap<>());
        if (!table.spec().updateRule().isAdd()) {
            optimizers.put(table.id(), new OptimizerState(table.spec()));
        }
        return true;
    }

    void drop(int tableId) {
        tables.remove(tableId);
        data.remove(tableId);
        optimizers.remove(tableId);
        lent.remove(tableId);
    }

    /** The table with this id, or an error that names the id. */
    TableRef get(int tableId) {
        TableRef t = tables.get(tableId);
        if (t == null) {
            throw new IllegalArgumentException("shard " + shardIndex + ": no table with id " + tableId);
        }
        return t;
    }

    boolean contains(int tableId) {
        return tables.containsKey(tableId);
    }

    int count() {
        return tables.size();
    }

    Iterable<TableRef> all() {
        return tables.values();
    }

    /** The stored rows of a table (a row no update touched is absent). */
    Int2ObjectOpenHashMap<RowValues> rows(int tableId) {
        return data.get(tableId);
    }

    /** The optimizer state of a table, or {@code null} if it adds its updates. */
    OptimizerState optimizer(int tableId) {
        return optimizers.get(tableId);
    }

    @Override
    public TableRef table(int tableId) {
        return tables.get(tableId);
    }

    @Override
    public RowValues row(int tableId, int row) {
        Int2ObjectOpenHashMap<RowValues> rows = data.get(tableId);
        return rows == null ? null : rows.get(row);
    }

    /** See {@link ShardState#storage()}. */
    ShardStorage storage() {
        long denseRows = 0;
        long sparseRows = 0;
        long denseCells = 0;
        long sparseCells = 0;
        for (Int2ObjectOpenHashMap<RowValues> rows : data.values()) {
            for (RowValues r : rows.values()) {
                if (r.isDense()) {
                    denseRows++;
                    denseCells += r.storedCells();
                } else {
                    sparseRows++;
                    sparseCells += r.storedCells();
                }
            }
        }
        return new ShardStorage(denseRows + sparseRows, denseCells + sparseCells,
                8 * denseCells + DENSE_ROW_BYTES * denseRows + 12 * sparseCells + SPARSE_ROW_BYTES * sparseRows);
    }

    /** Checks every update of a flush before any is applied: table, row held here, width. */
    void checkUpdates(List<RowUpdate> updates) {
        for (RowUpdate u : updates) {
            TableRef t = get(u.tableId());
            checkOwned(t, u.row());
            if (u.delta().cols() != t.spec().cols()) {
                throw new IllegalArgumentException("table '" + t.name() + "' row " + u.row() + ": update has "
                        + u.delta().cols() + " columns, expected " + t.spec().cols());
            }
        }
    }

    /**
     * Applies one checked update under its table's {@link UpdateRule}: adds the delta, or runs one optimizer step
     * with it as the gradient.
     *
     * @return the change made to the row (for plain addition, the delta itself: do not mutate it)
     */
    RowValues apply(RowUpdate u) {
        Int2ObjectOpenHashMap<RowValues> rows = data.get(u.tableId());
        RowValues row = rows.get(u.row());
        if (row == null) {
            row = tables.get(u.tableId()).spec().zeroRow();
            rows.put(u.row(), row);
        } else if (returned(u.tableId(), u.row())) {
            row = row.copy();
            rows.put(u.row(), row);
        }
        OptimizerState optimizer = optimizers.get(u.tableId());
        if (optimizer == null) {
            row.addAll(u.delta());
            return u.delta();
        }
        return optimizer.step(u.row(), row, u.delta());
    }

    /**
     * Sets rows to copies of {@code values} (all checked before any is written) and forgets their optimizer
     * state; returns the stored rows, in order.
     */
    RowValues[] put(int tableId, int[] rows, RowValues[] values) {
        TableRef t = get(tableId);
        if (rows.length != values.length) {
            throw new IllegalArgumentException("rows and values differ in length: " + rows.length + " vs " + values.length);
        }
        for (int i = 0; i < rows.length; i++) {
            checkOwned(t, rows[i]);
            if (values[i].cols() != t.spec().cols()) {
                throw new IllegalArgumentException("table '" + t.name() + "' row " + rows[i] + ": value has "
                        + values[i].cols() + " columns, expected " + t.spec().cols());
            }
        }
        Int2ObjectOpenHashMap<RowValues> stored = data.get(tableId);
        OptimizerState optimizer = optimizers.get(tableId);
        RowValues[] out = new RowValues[rows.length];
        for (int i = 0; i < rows.length; i++) {
            RowValues row = t.spec().zeroRow();
            row.addAll(values[i]);
            stored.put(rows[i], row);
            returned(tableId, rows[i]);
            out[i] = row;
            if (optimizer != null) {
                optimizer.reset(rows[i]);
            }
        }
        return out;
    }

    /**
     * Replaces every table of {@code image} with its rows and optimizer state (all checked first).
     *
     * @throws IllegalArgumentException if the image is of another shard, or a table differs from the one here
     */
    void restore(CheckpointImage image) {
        if (image.shardIndex() != shardIndex || image.numShards() != partitioner.numShards()) {
            throw new IllegalArgumentException("shard " + shardIndex + " of " + partitioner.numShards()
                    + " cannot restore the image of shard " + image.shardIndex() + " of " + image.numShards());
        }
        for (CheckpointImage.TableImage t : image.tables()) {
            TableRef here = get(t.table().id());
            if (!here.equals(t.table())) {
                throw new IllegalArgumentException("table id " + here.id() + " is " + here.spec() + " here but "
                        + t.table().spec() + " in the checkpoint");
            }
        }
        for (CheckpointImage.TableImage t : image.tables()) {
            Int2ObjectOpenHashMap<RowValues> rows = new Int2ObjectOpenHashMap<>(t.rows().length);
            for (int i = 0; i < t.rows().length; i++) {
                rows.put(t.rows()[i], t.values()[i].copy());
            }
            data.put(t.table().id(), rows);
            lent.remove(t.table().id());
            if (optimizers.containsKey(t.table().id())) {
                // An image written without optimizer state (an older format) restarts the optimizer from zero.
                optimizers.put(t.table().id(), t.optimizer() != null ? t.optimizer().copy()
                        : new OptimizerState(t.table().spec()));
            }
        }
    }

    /** A copy of a table's stored rows, each row copied too. */
    static Int2ObjectOpenHashMap<RowValues> deepCopy(Int2ObjectOpenHashMap<RowValues> rows) {
        Int2ObjectOpenHashMap<RowValues> copies = new Int2ObjectOpenHashMap<>(rows.size());
        for (var e : rows.int2ObjectEntrySet()) {
            copies.put(e.getIntKey(), e.getValue().copy());
        }
        return copies;
    }

    /**
     * Rows {@code ids} of a table as they are now, never to change (a row never written is zeros): see
     * {@link #snapshot(int, int)}.
     */
    RowValues[] snapshots(int tableId, int[] ids) {
        RowValues[] values = new RowValues[ids.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = snapshot(tableId, ids[i]);
        }
        return values;
    }

    /**
     * A row as it is now, that this shard will never change (a row never written is zeros): a wide dense row
     * itself, lent until its next change (which then replaces it by a copy), any other row a copy. The caller must
     * not change it either.
     */
    @Override
    public RowValues snapshot(int tableId, int id) {
        RowValues row = data.get(tableId).get(id);
        if (row == null) {
            return tables.get(tableId).spec().zeroRow();
        }
        if (!row.isDense() || row.cols() < LEND_FROM_COLUMNS) {
            return row.copy();
        }
        lent.computeIfAbsent(tableId, k -> new IntOpenHashSet()).add(id);
        return row;
    }

    /** Whether row {@code id} was lent (and no longer is): a change must then go to a copy of it. */
    private boolean returned(int tableId, int id) {
        if (lent.isEmpty()) {
            return false; // nothing lent: sparse and narrow tables never are
        }
        IntOpenHashSet rows = lent.get(tableId);
        return rows != null && rows.remove(id);
    }

    /** The ids, sorted, of the stored rows of a table in {@code [fromRow, toRow)}. */
    int[] storedIds(int tableId, int fromRow, int toRow) {
        List<Integer> ids = new ArrayList<>();
        for (Int2ObjectMap.Entry<RowValues> e : data.get(tableId).int2ObjectEntrySet()) {
            int r = e.getIntKey();
            if (r >= fromRow && r < toRow) {
                ids.add(r);
            }
        }
        ids.sort(null);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    void checkOwned(TableRef t, int row) {
        t.spec().checkRow(row);
        if (!partitioner.owns(shardIndex, row)) {
            throw new IllegalArgumentException("table '" + t.name() + "' row " + row + " belongs to shard "
                    + partitioner.shardOf(row) + ", not shard " + shardIndex);
        }
    }
}
