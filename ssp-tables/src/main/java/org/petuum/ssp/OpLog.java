package org.petuum.ssp;

import java.util.ArrayList;
import java.util.List;
import org.petuum.shaded.fastutil.ints.Int2ObjectMap;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * One worker's updates since its last clock, coalesced per row: a thousand increments of one cell
 * travel as one number.
 *
 * <p>Not thread-safe: owned by the worker's task thread.
 */
public final class OpLog {
    private final Int2ObjectOpenHashMap<Int2ObjectOpenHashMap<RowValues>> tables = new Int2ObjectOpenHashMap<>();
    /** Every table this oplog has buffered changes of, by id (kept after a drain: a handful per worker). */
    private final Int2ObjectOpenHashMap<TableRef> refs = new Int2ObjectOpenHashMap<>();
    private int rows;

    /** Adds {@code delta} to one cell. */
    public void inc(TableRef table, int row, int col, double delta) {
        table.spec().checkCell(row, col);
        rowFor(table, row).add(col, delta);
    }

    /** Adds a whole dense delta ({@code delta.length == cols}) to a row. */
    public void inc(TableRef table, int row, double[] delta) {
        table.spec().checkRow(row);
        if (delta.length != table.spec().cols()) {
            throw new IllegalArgumentException("table '" + table.name() + "' row " + row + ": delta has "
                    + delta.length + " columns, expected " + table.spec().cols());
        }
        RowValues target = tableFor(table).get(row);
        if (target == null && table.spec().storage() == TableSpec.Storage.DENSE) {
            // The row's first change this clock: a copy of the delta, in one pass, rather than a zero row that a
            // second pass adds the delta to.
            tableFor(table).put(row, DenseRow.copyOf(delta));
            rows++;
            return;
        }
        target = target != null ? target : rowFor(table, row);
        if (target instanceof DenseRow d) {
            d.addArray(delta);
        } else {
            for (int c = 0; c < delta.length; c++) {
                if (delta[c] != 0.0) {
                    target.add(c, delta[c]);
                }
            }
        }
    }

    /** Adds {@code values[i]} to column {@code cols[i]} of a row. */
    public void inc(TableRef table, int row, int[] cols, double[] values) {
        table.spec().checkRow(row);
        if (cols.length != values.length) {
            throw new IllegalArgumentException("table '" + table.name() + "' row " + row
                    + ": columns and values differ in length: " + cols.length + " vs " + values.length);
        }
        // Check every column first, so a bad one leaves the oplog as it was.
        for (int col : cols) {
            table.spec().checkCell(row, col);
        }
        RowValues target = rowFor(table, row);
        for (int i = 0; i < cols.length; i++) {
            target.add(cols[i], values[i]);
        }
    }

    /** The coalesced, not yet sent change to a row, or {@code null} if there is none. Do not mutate it. */
    public RowValues pending(int tableId, int row) {
        Int2ObjectOpenHashMap<RowValues> t = tables.get(tableId);
        return t == null ? null : t.get(row);
    }

    /** Removes and returns the pending change to one row, or {@code null} if there is none. */
    public RowValues remove(int tableId, int row) {
        Int2ObjectOpenHashMap<RowValues> t = tables.get(tableId);
        RowValues r = t == null ? null : t.remove(row);
        if (r != null) {
            rows--;
        }
        return r;
    }

    /** The rows of one table with pending changes (a copy). */
    public int[] rows(int tableId) {
        Int2ObjectOpenHashMap<RowValues> t = tables.get(tableId);
        return t == null ? new int[0] : t.keySet().toIntArray();
    }

    /** The number of rows with pending changes. */
    public int size() {
        return rows;
    }

    public boolean isEmpty() {
        return rows == 0;
    }

    /** Removes and returns every pending change. */
    public List<RowUpdate> drain() {
        List<RowUpdate> out = new ArrayList<>(rows);
        for (Int2ObjectMap.Entry<Int2ObjectOpenHashMap<RowValues>> t : tables.int2ObjectEntrySet()) {
            for (Int2ObjectMap.Entry<RowValues> r : t.getValue().int2ObjectEntrySet()) {
                out.add(new RowUpdate(t.getIntKey(), r.getIntKey(), r.getValue()));
            }
        }
        tables.clear();
        rows = 0;
        return out;
    }

    /** The table of id {@code tableId}, if this oplog ever buffered a change of it; else {@code null}. */
    public TableRef table(int tableId) {
        return refs.get(tableId);
    }

    private Int2ObjectOpenHashMap<RowValues> tableFor(TableRef table) {
        Int2ObjectOpenHashMap<RowValues> t = tables.get(table.id());
        if (t == null) {
            t = new Int2ObjectOpenHashMap<>();
            tables.put(table.id(), t);
            refs.put(table.id(), table);
        }
        return t;
    }

    private RowValues rowFor(TableRef table, int row) {
        Int2ObjectOpenHashMap<RowValues> t = tableFor(table);
        RowValues r = t.get(row);
        if (r == null) {
            r = table.spec().zeroRow();
            t.put(row, r);
            rows++;
        }
        return r;
    }
}
