package org.petuum.ssp;

import java.util.Arrays;

/**
 * A row that stores only the columns it has been given, sorted by column. Two layouts, chosen by the table's width:
 * up to {@value #NARROW_MAX_COLS} columns, the columns as 2-byte {@code char}s and the values in a second array (10
 * bytes a cell, {@link NarrowSparseRow}); wider, both in one {@code int[]} (12 bytes a cell and one array header a
 * row, {@link WideSparseRow}). A row costs about 90 (narrow) or 64 (wide) bytes besides its cells, where a hash map
 * costs 25 to 50 per cell (measured by {@code bench memory}); the narrow layout is also the faster to add to (its
 * search reads half the memory and its values are plain {@code double}s).
 *
 * <p>A lookup is a binary search; adding a sparse row ({@link #addAll}) costs in proportion to that row's cells, not
 * this one's, when its columns are stored here (each found by a galloping search from where the previous one was,
 * {@code O(k log(n / k))} comparisons, and added in place), and otherwise splices the new columns in with bulk copies:
 * into new arrays of exactly the new size (spare room for rows still filling was measured to cost more, in cache
 * misses on the larger rows, than the copies it saves). A delta at least as large as the row is merged by walking
 * both. Adding one new column shifts the cells after it, so building
 * a row column by column is cheapest in increasing column order, or through a {@link Builder}, as decoders do.
 * See {@link RowValues} for the threading contract.
 */
public abstract sealed class SparseRow extends RowValues permits NarrowSparseRow, WideSparseRow {
    /** Tables up to this wide store columns as {@code char}s ({@link NarrowSparseRow}). */
    public static final int NARROW_MAX_COLS = 1 << 16;
    /** Runs of stored cells at least this long are moved by {@code System.arraycopy} when splicing. */
    static final int LONG_RUN = 16;

    final int cols;
    /** The number of stored cells. */
    int size;

    SparseRow(int cols, int size) {
        this.cols = cols;
        this.size = size;
    }

    /** An empty row of width {@code cols}. */
    public static SparseRow empty(int cols) {
        return cols <= NARROW_MAX_COLS ? new NarrowSparseRow(cols) : new WideSparseRow(cols);
    }

    /** A row holding {@code values[i]} at column {@code columns[i]}; repeated columns add up. */
    public static SparseRow of(int cols, int[] columns, double[] values) {
        if (columns.length != values.length) {
            throw new IllegalArgumentException(
                    "columns and values differ in length: " + columns.length + " vs " + values.length);
        }
        for (int c : columns) {
            if (c < 0 || c >= cols) {
                throw new IndexOutOfBoundsException("column " + c + " outside [0, " + cols + ")");
            }
        }
        int n = columns.length;
        int[] order = sortedOrder(columns);
        int distinct = 0;
        for (int k = 1; k <= n; k++) {
            // Count the distinct columns first: the arrays are allocated once, at their exact size.
            distinct += k == n || columns[at(order, k)] != columns[at(order, k - 1)] ? 1 : 0;
        }
        Builder b = new Builder(cols, distinct);
        for (int k = 0; k < n; ) {
            int c = columns[at(order, k)];
            double sum = values[at(order, k++)];
            for (; k < n && columns[at(order, k)] == c; k++) {
                sum += values[at(order, k)];
            }
            b.append(c, sum);
        }
        return b.build();
    }

    private static int at(int[] order, int k) {
        return order == null ? k : order[k];
    }

    /** A builder of a row of width {@code cols} that will be given exactly {@code cells} cells. */
    public static Builder builder(int cols, int cells) {
        return new Builder(cols, cells);
    }

    /**
     * Fills a row of a known number of cells one cell at a time, for decoders and readers: cells that come in
     * strictly increasing column order (as every {@code SparseRow} is written) go straight into arrays of exactly
     * their number; any other order is sorted and its repeated columns added up by {@link #build()}.
     * Not thread-safe; use once.
     */
    public static final class Builder {
        private final int cols;
        private final int capacity;
        /** The arrays of a narrow row, or {@code null} for a wide one. */
        private final char[] narrowColumns;
        private final double[] narrowValues;
        /** The array of a wide row, or {@code null} for a narrow one. */
        private final int[] wideCells;
        private final int wideBase;
        private int size;
        private int last = -1;
        private boolean ordered = true;

        private Builder(int cols, int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("cells : " + capacity + " (expected: >= 0)");
            }
            this.cols = cols;
            this.capacity = capacity;
            boolean narrow = cols <= NARROW_MAX_COLS;
            this.narrowColumns = narrow ? new char[capacity] : null;
            this.narrowValues = narrow ? new double[capacity] : null;
            this.wideCells = narrow ? null : SparseCells.allocate(capacity);
            this.wideBase = SparseCells.valueBase(capacity);
        }

        /**
         * Appends one cell.
         *
         * @throws IndexOutOfBoundsException for a column outside {@code [0, cols)}
         * @throws IllegalStateException past the number of cells the builder was made for
         */
        public Builder append(int col, double value) {
            if (col < 0 || col >= cols) {
                throw new IndexOutOfBoundsException("column " + col + " outside [0, " + cols + ")");
            }
            if (size == capacity) {
                throw new IllegalStateException("builder of " + capacity + " cells is full");
            }
            ordered &= col > last;
            last = col;
            if (narrowColumns != null) {
                narrowColumns[size] = (char) col;
                narrowValues[size++] = value;
            } else {
                SparseCells.setColumn(wideCells, size, col);
                SparseCells.setValue(wideCells, wideBase, size++, value);
            }
            return this;
        }

        /**
         * The row; it owns the builder's arrays, so the builder must not be used again.
         *
         * @throws IllegalStateException if fewer cells were appended than the builder was made for
         */
        public SparseRow build() {
            if (size != capacity) {
                throw new IllegalStateException("builder of " + capacity + " cells was given " + size);
            }
            if (ordered) {
                return narrowColumns != null ? new NarrowSparseRow(cols, narrowColumns, narrowValues, size)
                        : new WideSparseRow(cols, wideCells, size);
            }
            int[] columns = new int[size];
            double[] values = new double[size];
            for (int i = 0; i < size; i++) {
                columns[i] = narrowColumns != null ? narrowColumns[i] : SparseCells.column(wideCells, i);
                values[i] = narrowColumns != null ? narrowValues[i] : SparseCells.value(wideCells, wideBase, i);
            }
            return of(cols, columns, values);
        }
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
    public final int cols() {
        return cols;
    }

    /** Visits the stored non-zero cells in increasing column order. */
    @Override
    public abstract void forEachNonZero(ColumnValueConsumer consumer);

    /**
     * The column of the {@code i}-th stored cell in increasing column order, {@code 0 <= i < storedCells()}: with
     * {@link #valueAt}, a way to read the cells without a callback per cell.
     */
    public abstract int columnAt(int i);

    /** The value of the {@code i}-th stored cell (see {@link #columnAt}); it may be 0. */
    public abstract double valueAt(int i);

    @Override
    public final int storedCells() {
        return size;
    }

    /** The cells this row has room for without new arrays ({@code >= storedCells()}). */
    abstract int capacity();

    /**
     * The heap this row takes as {@link ShardStorage} estimates it: its cells' room at 10 or 12 bytes a cell (a row
     * built by {@link #add} may have room to spare), and a fixed cost per row as {@code bench memory} measured it.
     */
    abstract long estimatedBytes();

    /** A copy of exactly the stored cells (no spare capacity). */
    @Override
    public abstract SparseRow copy();

    @Override
    public final boolean isDense() {
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
