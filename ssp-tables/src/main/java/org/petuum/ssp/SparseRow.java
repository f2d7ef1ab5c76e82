package org.petuum.ssp;

import java.util.Arrays;

/**
 * A row that stores only the columns it has been given, as two parallel primitive arrays sorted by column: about
 * 12 bytes per stored cell (an {@code int} and a {@code double}) and a fixed 64 or so per row, where a hash map
 * costs 25 to 50 per cell (measured by {@code bench memory}). A lookup is a binary search; adding a row
 * ({@link #addAll}) merges the two sorted arrays in one pass and leaves no spare capacity; adding one new column
 * shifts the cells after it, so building a row column by column is cheapest in increasing column order (as
 * decoders and checkpoint readers do). See {@link RowValues} for the threading contract.
 */
public final class SparseRow extends RowValues {
    private static final int[] NO_COLUMNS = new int[0];
    private static final double[] NO_VALUES = new double[0];

    private final int cols;
    /** Columns in increasing order, the first {@link #size} in use. */
    private int[] columns;
    private double[] values;
    private int size;

    /** An empty row of width {@code cols}. */
    public SparseRow(int cols) {
        this(cols, NO_COLUMNS, NO_VALUES, 0);
    }

    private SparseRow(int cols, int[] columns, double[] values, int size) {
        this.cols = cols;
        this.columns = columns;
        this.values = values;
        this.size = size;
    }

    /** A row holding {@code values[i]} at column {@code columns[i]}; repeated columns add up. */
    public static SparseRow of(int cols, int[] columns, double[] values) {
        if (columns.length != values.length) {
            throw new IllegalArgumentException(
                    "columns and values differ in length: " + columns.length + " vs " + values.length);
        }
        SparseRow row = new SparseRow(cols);
        for (int c : columns) {
            row.checkColumn(c);
        }
        int n = columns.length;
        int[] order = sortedOrder(columns);
        int[] outColumns = new int[n];
        double[] outValues = new double[n];
        int size = 0;
        for (int k = 0; k < n; k++) {
            int i = order == null ? k : order[k];
            if (size > 0 && outColumns[size - 1] == columns[i]) {
                outValues[size - 1] += values[i];
            } else {
                outColumns[size] = columns[i];
                outValues[size++] = values[i];
            }
        }
        row.columns = size == n ? outColumns : Arrays.copyOf(outColumns, size);
        row.values = size == n ? outValues : Arrays.copyOf(outValues, size);
        row.size = size;
        return row;
    }

    /** The positions of {@code columns} in increasing column order, or {@code null} if they are in order already. */
    private static int[] sortedOrder(int[] columns) {
        boolean sorted = true;
        for (int i = 1; i < columns.length && sorted; i++) {
            sorted = columns[i - 1] <= columns[i];
        }
        if (sorted) {
            return null;
        }
        // Column in the high half, position in the low half: one primitive sort, no boxing.
        long[] keyed = new long[columns.length];
        for (int i = 0; i < columns.length; i++) {
            keyed[i] = ((long) columns[i] << 32) | i;
        }
        Arrays.sort(keyed);
        int[] order = new int[columns.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = (int) keyed[i];
        }
        return order;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public double get(int col) {
        int at = Arrays.binarySearch(columns, 0, size, col);
        return at >= 0 ? values[at] : 0.0;
    }

    @Override
    public void add(int col, double delta) {
        checkColumn(col);
        int at = Arrays.binarySearch(columns, 0, size, col);
        if (at >= 0) {
            values[at] += delta;
            return;
        }
        int insert = -at - 1;
        if (size == columns.length) {
            // Grow by a quarter: little spare room, yet amortised constant cost when appending.
            int capacity = Math.max(4, size + (size >> 2));
            columns = Arrays.copyOf(columns, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        System.arraycopy(columns, insert, columns, insert + 1, size - insert);
        System.arraycopy(values, insert, values, insert + 1, size - insert);
        columns[insert] = col;
        values[insert] = delta;
        size++;
    }

    @Override
    public void addAll(RowValues other) {
        if (!(other instanceof SparseRow s)) {
            super.addAll(other);
            return;
        }
        checkSameWidth(other);
        int fresh = 0;
        for (int i = 0, j = 0; j < s.size; ) {
            if (i == size || columns[i] > s.columns[j]) {
                fresh++;
                j++;
            } else if (columns[i] == s.columns[j]) {
                i++;
                j++;
            } else {
                i++;
            }
        }
        if (fresh == 0) {
            for (int i = 0, j = 0; j < s.size; i++) {
                if (columns[i] == s.columns[j]) {
                    values[i] += s.values[j++];
                }
            }
            return;
        }
        // Merge into arrays of exactly the new size: a stored row keeps no spare capacity.
        int n = size + fresh;
        int[] mergedColumns = new int[n];
        double[] mergedValues = new double[n];
        int i = 0;
        int j = 0;
        for (int k = 0; k < n; k++) {
            if (j == s.size || (i < size && columns[i] < s.columns[j])) {
                mergedColumns[k] = columns[i];
                mergedValues[k] = values[i++];
            } else if (i == size || s.columns[j] < columns[i]) {
                mergedColumns[k] = s.columns[j];
                mergedValues[k] = s.values[j++];
            } else {
                mergedColumns[k] = columns[i];
                mergedValues[k] = values[i++] + s.values[j++];
            }
        }
        columns = mergedColumns;
        values = mergedValues;
        size = n;
    }

    @Override
    public void scale(double factor) {
        for (int i = 0; i < size; i++) {
            values[i] *= factor;
        }
    }

    /** Visits the stored non-zero cells in increasing column order. */
    @Override
    public void forEachNonZero(ColumnValueConsumer consumer) {
        for (int i = 0; i < size; i++) {
            if (values[i] != 0.0) {
                consumer.accept(columns[i], values[i]);
            }
        }
    }

    @Override
    public int storedCells() {
        return size;
    }

    @Override
    public double maxAbs() {
        double m = 0;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, Math.abs(values[i]));
        }
        return m;
    }

    /** A copy of exactly the stored cells (no spare capacity). */
    @Override
    public SparseRow copy() {
        return new SparseRow(cols, Arrays.copyOf(columns, size), Arrays.copyOf(values, size), size);
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
