package org.petuum.ssp;

import java.util.Arrays;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;
import org.petuum.shaded.fastutil.ints.IntArrayList;
import org.petuum.shaded.fastutil.ints.IntOpenHashSet;

/**
 * A table's stored rows as one row object each, in a hash map by row id: the layout of sparse tables and of dense
 * tables from {@link ShardTables#LEND_FROM_COLUMNS} columns up.
 *
 * <p>Wide dense rows are lent, not copied: {@link #snapshot} hands out the stored row itself and remembers it as lent;
 * the next change to a lent row replaces it by a changed copy, so what was handed out never changes and can be
 * encoded after the shard's lock is released. A row read many times between two changes is copied once (or never),
 * instead of once per read.
 *
 * <p>Not thread-safe (see {@link StoredRows}).
 */
final class RowMap implements StoredRows {
    private final TableSpec spec;
    private final Int2ObjectOpenHashMap<RowValues> rows;
    /** The rows {@link #snapshot} handed out since their last change: changed only as copies. */
    private final IntOpenHashSet lent = new IntOpenHashSet();

    RowMap(TableSpec spec) {
        this(spec, new Int2ObjectOpenHashMap<>());
    }

    private RowMap(TableSpec spec, Int2ObjectOpenHashMap<RowValues> rows) {
        this.spec = spec;
        this.rows = rows;
    }

    @Override
    public RowValues get(int row) {
        return rows.get(row);
    }

    @Override
    public RowValues peek(int row) {
        return rows.get(row);
    }

    @Override
    public RowValues snapshot(int id) {
        RowValues row = rows.get(id);
        if (row == null) {
            return spec.zeroRow();
        }
        if (!row.isDense() || row.cols() < ShardTables.LEND_FROM_COLUMNS) {
            return row.copy();
        }
        lent.add(id);
        return row;
    }

    @Override
    public void add(int row, RowValues delta) {
        writable(row).addAll(delta);
    }

    @Override
    public RowValues update(int row, Change change) {
        return change.applyTo(writable(row));
    }

    /** The stored row, which the caller may change in place: made (zeros) if absent, copied first if lent. */
    private RowValues writable(int id) {
        RowValues row = rows.get(id);
        if (row == null) {
            row = spec.zeroRow();
            rows.put(id, row);
        } else if (!lent.isEmpty() && lent.remove(id)) { // sparse tables never lend: no lookup
            row = row.copy();
            rows.put(id, row);
        }
        return row;
    }

    @Override
    public void put(int id, RowValues value) {
        RowValues row;
        if (value.isDense() == (spec.storage() == TableSpec.Storage.DENSE)) {
            row = value.copy();
        } else {
            row = spec.zeroRow();
            row.addAll(value);
        }
        rows.put(id, row);
        lent.remove(id); // a lent row stays as it was: it is no longer stored
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    public int[] ids(int fromRow, int toRow) {
        IntArrayList ids = new IntArrayList();
        for (int r : rows.keySet()) {
            if (r >= fromRow && r < toRow) {
                ids.add(r);
            }
        }
        int[] out = ids.toIntArray();
        Arrays.sort(out);
        return out;
    }

    @Override
    public RowMap copy() {
        Int2ObjectOpenHashMap<RowValues> copies = new Int2ObjectOpenHashMap<>(rows.size());
        for (var e : rows.int2ObjectEntrySet()) {
            copies.put(e.getIntKey(), e.getValue().copy());
        }
        return new RowMap(spec, copies);
    }

    @Override
    public long cells() {
        long cells = 0;
        for (RowValues r : rows.values()) {
            cells += r.storedCells();
        }
        return cells;
    }

    @Override
    public long estimatedBytes() {
        long bytes = 0;
        for (RowValues r : rows.values()) {
            // A sparse row is counted with its spare room, not only its stored cells.
            bytes += r instanceof SparseRow s ? s.estimatedBytes() : 8L * r.storedCells() + ShardTables.DENSE_ROW_BYTES;
        }
        return bytes;
    }
}
