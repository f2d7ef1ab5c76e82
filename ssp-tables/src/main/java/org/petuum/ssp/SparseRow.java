package org.petuum.ssp;

import org.petuum.shaded.fastutil.ints.Int2DoubleMap;
import org.petuum.shaded.fastutil.ints.Int2DoubleOpenHashMap;

/**
 * A row that stores only the columns it has been given, in a primitive hash map.
 * See {@link RowValues} for the threading contract.
 */
public final class SparseRow extends RowValues {
    private final int cols;
    private final Int2DoubleOpenHashMap cells;

    /** An empty row of width {@code cols}. */
    public SparseRow(int cols) {
        this(cols, new Int2DoubleOpenHashMap());
    }

    private SparseRow(int cols, Int2DoubleOpenHashMap cells) {
        this.cols = cols;
        this.cells = cells;
    }

    /** A row holding {@code values[i]} at column {@code columns[i]}; repeated columns add up. */
    public static SparseRow of(int cols, int[] columns, double[] values) {
        if (columns.length != values.length) {
            throw new IllegalArgumentException(
                    "columns and values differ in length: " + columns.length + " vs " + values.length);
        }
        SparseRow row = new SparseRow(cols, new Int2DoubleOpenHashMap(columns.length));
        for (int i = 0; i < columns.length; i++) {
            row.add(columns[i], values[i]);
        }
        return row;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public double get(int col) {
        return cells.get(col);
    }

    @Override
    public void add(int col, double delta) {
        checkColumn(col);
        cells.addTo(col, delta);
    }

    @Override
    public void scale(double factor) {
        for (Int2DoubleMap.Entry e : cells.int2DoubleEntrySet()) {
            e.setValue(e.getDoubleValue() * factor);
        }
    }

    @Override
    public void forEachNonZero(ColumnValueConsumer consumer) {
        for (Int2DoubleMap.Entry e : cells.int2DoubleEntrySet()) {
            if (e.getDoubleValue() != 0.0) {
                consumer.accept(e.getIntKey(), e.getDoubleValue());
            }
        }
    }

    @Override
    public int storedCells() {
        return cells.size();
    }

    @Override
    public double maxAbs() {
        double m = 0;
        for (Int2DoubleMap.Entry e : cells.int2DoubleEntrySet()) {
            m = Math.max(m, Math.abs(e.getDoubleValue()));
        }
        return m;
    }

    @Override
    public SparseRow copy() {
        return new SparseRow(cols, cells.clone());
    }

    @Override
    public boolean isDense() {
        return false;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SparseRow s) || s.cols != cols) {
            return false;
        }
        // Equal as vectors: an explicitly stored zero equals an absent cell. Cells compare as DenseRow's do
        // (Double.compare), so that a row holding NaN equals itself and its decoded copy.
        boolean[] same = {true};
        forEachNonZero((c, v) -> same[0] &= Double.compare(s.get(c), v) == 0);
        s.forEachNonZero((c, v) -> same[0] &= Double.compare(get(c), v) == 0);
        return same[0];
    }

    @Override
    public int hashCode() {
        int[] h = {cols};
        forEachNonZero((c, v) -> h[0] += c ^ Double.hashCode(v));
        return h[0];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SparseRow{cols=").append(cols);
        forEachNonZero((c, v) -> sb.append(", ").append(c).append('=').append(v));
        return sb.append('}').toString();
    }
}
