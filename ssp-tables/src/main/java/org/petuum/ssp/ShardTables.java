package org.petuum.ssp;

import java.util.List;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * The rows a shard holds: its part of every table, the optimizer state of the tables that have one, and the checks
 * that a row and an update belong here. Knows nothing of runs, clocks or waiting reads ({@link ShardState} does).
 *
 * <p>Each table's rows are {@link StoredRows}: narrow dense tables in blocks of rows ({@link RowBlocks}), the others
 * one row object each ({@link RowMap}), whose wide dense rows are lent to answers rather than copied.
 *
 * <p>Not thread-safe: owned by one {@link ShardState}.
 */
final class ShardTables implements Subscriptions.Store {
    /** Heap per stored wide dense row besides its cells (see {@link ShardState#storage()}). */
    static final int DENSE_ROW_BYTES = 48;
    /** Heap per stored sparse row of a table wider than 65,536 columns besides its cells ({@link WideSparseRow}). */
    static final int SPARSE_ROW_BYTES = 64;
    /** Heap per stored sparse row of a table of at most 65,536 columns besides its cells ({@link NarrowSparseRow}). */
    static final int NARROW_SPARSE_ROW_BYTES = 90;
    /**
     * Dense rows from this width up are stored one object each and lent, not copied; narrower ones are stored in
     * blocks and cost less to copy than to track.
     */
    static final int LEND_FROM_COLUMNS = 64;
    /** Heap per block of narrow dense rows besides its cells (see {@link ShardState#storage()}). */
    static final int BLOCK_BYTES = 56;

    private final int shardIndex;
    private final RowPartitioner partitioner;
    private final Int2ObjectOpenHashMap<TableRef> tables = new Int2ObjectOpenHashMap<>();
    private final Int2ObjectOpenHashMap<StoredRows> data = new Int2ObjectOpenHashMap<>();
    /** The optimizer state of every table whose update rule is not plain addition. */
    private final Int2ObjectOpenHashMap<OptimizerState> optimizers = new Int2ObjectOpenHashMap<>();

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
        data.put(table.id(), emptyRows(table.spec()));
        if (!table.spec().updateRule().isAdd()) {
            optimizers.put(table.id(), new OptimizerState(table.spec()));
        }
        return true;
    }

    void drop(int tableId) {
        tables.remove(tableId);
        data.remove(tableId);
        optimizers.remove(tableId);
    }

    /** Empty storage for a table of {@code spec} on this shard. */
    StoredRows emptyRows(TableSpec spec) {
        return StoredRows.of(spec, shardIndex, partitioner.numShards());
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

    /** The stored rows of a table (a row no update touched is absent); change them only through this class. */
    StoredRows rows(int tableId) {
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
        StoredRows rows = data.get(tableId);
        return rows == null ? null : rows.peek(row);
    }

    /** See {@link ShardState#storage()}. */
    ShardStorage storage() {
        long rows = 0;
        long cells = 0;
        long bytes = 0;
        for (StoredRows r : data.values()) {
            rows += r.size();
            cells += r.cells();
            bytes += r.estimatedBytes();
        }
        return new ShardStorage(rows, cells, bytes);
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
        StoredRows rows = data.get(u.tableId());
        OptimizerState optimizer = optimizers.get(u.tableId());
        if (optimizer == null) {
            rows.add(u.row(), u.delta());
            return u.delta();
        }
        return rows.update(u.row(), row -> optimizer.step(u.row(), row, u.delta()));
    }

    /**
     * Sets rows to copies of {@code values} (all checked before any is written) and forgets their optimizer
     * state; returns the rows as stored, in order, not to be changed (see {@link StoredRows#get}).
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
        StoredRows stored = data.get(tableId);
        OptimizerState optimizer = optimizers.get(tableId);
        RowValues[] out = new RowValues[rows.length];
        for (int i = 0; i < rows.length; i++) {
            stored.put(rows[i], values[i]);
            out[i] = stored.get(rows[i]);
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
            StoredRows rows = emptyRows(t.table().spec());
            for (int i = 0; i < t.rows().length; i++) {
                rows.put(t.rows()[i], t.values()[i]);
            }
            data.put(t.table().id(), rows);
            if (optimizers.containsKey(t.table().id())) {
                // An image written without optimizer state (an older format) restarts the optimizer from zero.
                optimizers.put(t.table().id(), t.optimizer() != null ? t.optimizer().copy()
                        : new OptimizerState(t.table().spec()));
            }
        }
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

    /** A row as it is now, that this shard will never change (zeros if never written): {@link StoredRows#snapshot}. */
    @Override
    public RowValues snapshot(int tableId, int id) {
        return data.get(tableId).snapshot(id);
    }

    /** The ids, sorted, of the stored rows of a table in {@code [fromRow, toRow)}. */
    int[] storedIds(int tableId, int fromRow, int toRow) {
        return data.get(tableId).ids(fromRow, toRow);
    }

    void checkOwned(TableRef t, int row) {
        t.spec().checkRow(row);
        if (!partitioner.owns(shardIndex, row)) {
            throw new IllegalArgumentException("table '" + t.name() + "' row " + row + " belongs to shard "
                    + partitioner.shardOf(row) + ", not shard " + shardIndex);
        }
    }
}
