package org.petuum.ssp;

import java.util.Arrays;
import java.util.Objects;

/**
 * A row that stores only the columns it has been given, sorted by column, in one array ({@link SparseCells}): 12
 * bytes per stored cell (an {@code int} column and a {@code double} value) and about 40 per row for the row
 * object and the array's header, where two parallel arrays cost 16 more a row and a hash map 25 to 50 per cell
 * (measured by {@code bench memory}). A lookup is a binary search; adding a sparse row ({@link #addAll}) costs in
 * proportion to that row's cells, not this one's, when its columns are stored here, and otherwise splices the new
 * columns in with bulk copies: in place when the row has room, else into a new array of exactly the new size, or
 * a quarter more for rows of {@value #SPARE_FROM_CELLS} cells or more (at most 3 bytes a cell, so a row still
 * filling is not copied whole at every flush); adding one new column shifts the cells after it, so
 * building a row column by column is cheapest in increasing column order (or through a {@link Builder}, as
 * decoders do). See {@link RowValues} for the threading contract.
 */
public final class SparseRow extends RowValues {
    /** Runs of stored cells at least this long are moved by {@code System.arraycopy} when splicing. */
    private static final int LONG_RUN = 16;
    /** Rows that grow to at least this many cells by {@link #addAll} keep a quarter spare (see {@link #grownCapacity}). */
    static final int SPARE_FROM_CELLS = 64;

    private final int cols;
    /** The stored cells, the first {@link #size} in use, columns in increasing order. */
    private int[] cells;
    private int size;

    /** An empty row of width {@code cols}. */
    public SparseRow(int cols) {
        this(cols, SparseCells.EMPTY, 0);
    }

    private SparseRow(int cols, int[] cells, int size) {
        this.cols = cols;
        this.cells = cells;
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
        int size = 0;
        for (int k = 1; k <= n; k++) {
            // Count the distinct columns first: the array is allocated once, at its exact size.
            size += k == n || columns[at(order, k)] != columns[at(order, k - 1)] ? 1 : 0;
        }
        int[] cells = SparseCells.allocate(size);
        int base = SparseCells.valueBase(size);
        int to = -1;
        for (int k = 0; k < n; k++) {
            int i = at(order, k);
            if (to >= 0 && SparseCells.column(cells, to) == columns[i]) {
                SparseCells.addValue(cells, base, to, values[i]);
            } else {
                to++;
                SparseCells.setColumn(cells, to, columns[i]);
                SparseCells.setValue(cells, base, to, values[i]);
            }
        }
        row.cells = cells;
        row.size = size;
        return row;
    }

    private static int at(int[] order, int k) {
        return order == null ? k : order[k];
    }

    /**
     * A row of the cells {@code columns[i]}, {@code values[i]}: when the columns are strictly increasing (as they
     * arrive from a decoder of a {@code SparseRow}) they are checked and copied in one pass; otherwise as
     * {@link #of}: sorted, repeated columns added up. The arrays are not kept.
     *
     * @throws IndexOutOfBoundsException for a column outside {@code [0, cols)}
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static SparseRow wrap(int cols, int[] columns, double[] values) {
        if (columns.length != values.length) {
            throw new IllegalArgumentException(
                    "columns and values differ in length: " + columns.length + " vs " + values.length);
        }
        Builder b = builder(cols, columns.length);
        for (int i = 0; i < columns.length; i++) {
            b.append(columns[i], values[i]);
        }
        return b.build();
    }

    /** A builder of a row of width {@code cols} that will be given exactly {@code cells} cells. */
    public static Builder builder(int cols, int cells) {
        return new Builder(cols, cells);
    }

    /**
     * Fills a row of a known number of cells one cell at a time, for decoders and readers: cells that come in
     * strictly increasing column order (as every {@code SparseRow} is written) go straight into an array of exactly
     * their number; any other order is sorted and its repeated columns added up by {@link #build()}.
     * Not thread-safe; use once.
     */
    public static final class Builder {
        private final int cols;
        private final int[] cells;
        private final int capacity;
        private final int base;
        private int size;
        private int last = -1;
        private boolean ordered = true;

        private Builder(int cols, int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("cells : " + capacity + " (expected: >= 0)");
            }
            this.cols = cols;
            this.capacity = capacity;
            this.cells = SparseCells.allocate(capacity);
            this.base = SparseCells.valueBase(capacity);
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
            SparseCells.setColumn(cells, size, col);
            SparseCells.setValue(cells, base, size++, value);
            return this;
        }

        /**
         * The row; it owns the builder's array, so the builder must not be used again.
         *
         * @throws IllegalStateException if fewer cells were appended than the builder was made for
         */
        public SparseRow build() {
            if (size != capacity) {
                throw new IllegalStateException("builder of " + capacity + " cells was given " + size);
            }
            if (ordered) {
                return new SparseRow(cols, cells, size);
            }
            int[] columns = new int[size];
            double[] values = new double[size];
            for (int i = 0; i < size; i++) {
                columns[i] = SparseCells.column(cells, i);
                values[i] = SparseCells.value(cells, base, i);
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
    public int cols() {
        return cols;
    }

    @Override
    public double get(int col) {
        int at = SparseCells.find(cells, 0, size, col);
        return at < size && SparseCells.column(cells, at) == col
                ? SparseCells.value(cells, SparseCells.valueBase(cells), at) : 0.0;
    }

    @Override
    public void add(int col, double delta) {
        checkColumn(col);
        int at = SparseCells.find(cells, 0, size, col);
        int base = SparseCells.valueBase(cells);
        if (at < size && SparseCells.column(cells, at) == col) {
            SparseCells.addValue(cells, base, at, delta);
            return;
        }
        if (size == SparseCells.capacity(cells)) {
            // Grow by a quarter: little spare room, yet amortised constant cost when appending.
            int capacity = Math.max(size + 1, (int) Math.min(SparseCells.MAX_CELLS, Math.max(4L, size + (size >> 2))));
            int[] grown = SparseCells.allocate(capacity);
            int grownBase = SparseCells.valueBase(capacity);
            SparseCells.copy(cells, base, 0, grown, grownBase, 0, at);
            SparseCells.copy(cells, base, at, grown, grownBase, at + 1, size - at);
            cells = grown;
            base = grownBase;
        } else {
            SparseCells.copy(cells, base, at, cells, base, at + 1, size - at);
        }
        SparseCells.setColumn(cells, at, col);
        SparseCells.setValue(cells, base, at, delta);
        size++;
    }

    /**
     * Adds {@code other} to this row at a cost that grows with the cells of {@code other} (k), not with those of this
     * row (n), when most of its columns are stored here already: each delta column is found by a galloping search
     * from where the previous one was (O(k log(n / k)) comparisons) and added in place. Columns that are new here
     * are then spliced in by copies of the runs of stored cells between them: within this row's array when it has
     * room, else into a new one ({@link #grownCapacity}). A delta at least as large as this row is merged by
     * walking both.
     */
    @Override
    public void addAll(RowValues other) {
        if (!(other instanceof SparseRow s)) {
            super.addAll(other);
            return;
        }
        checkSameWidth(other);
        int k = s.size;
        if (k == 0) {
            return;
        }
        if (size == 0) {
            cells = SparseCells.exact(s.cells, k);
            size = k;
            return;
        }
        if (size <= k) {
            // The delta is as large as this row: searching saves nothing over walking both.
            mergeLinear(s.cells, k);
            return;
        }
        int[] delta = s.cells;
        int deltaBase = SparseCells.valueBase(delta);
        int base = SparseCells.valueBase(cells);
        // The delta's columns that are new here, as (position in the delta, insertion point here), in order.
        int[] freshDelta = null;
        int[] freshAt = null;
        int fresh = 0;
        int at = 0;
        for (int j = 0; j < k; j++) {
            int c = SparseCells.column(delta, j);
            at = SparseCells.gallop(cells, at, size, c);
            if (at < size && SparseCells.column(cells, at) == c) {
                SparseCells.addValue(cells, base, at++, SparseCells.value(delta, deltaBase, j));
            } else {
                if (freshDelta == null) {
                    freshDelta = new int[k - j];
                    freshAt = new int[k - j];
                }
                freshDelta[fresh] = j;
                freshAt[fresh++] = at;
            }
        }
        if (fresh == 0) {
            return;
        }
        if (size + fresh <= SparseCells.capacity(cells)) {
            spliceInPlace(delta, freshDelta, freshAt, fresh);
        } else {
            splice(delta, freshDelta, freshAt, fresh);
        }
    }

    /**
     * The capacity to allocate for a row growing to {@code n} cells: exactly {@code n} below
     * {@link #SPARE_FROM_CELLS}, where a row's fixed cost dominates; a quarter more from there, so that a row still
     * filling takes the next deltas' new columns in place instead of being copied whole at every flush.
     */
    private static int grownCapacity(int n) {
        return n < SPARE_FROM_CELLS ? n : (int) Math.min(SparseCells.MAX_CELLS, Math.max(n, n + (n >> 2)));
    }

    /**
     * Inserts the delta's new cells into this row's spare capacity, moving the runs of stored cells between them
     * from the last run back, each once (see {@link #splice} for the arguments).
     */
    private void spliceInPlace(int[] delta, int[] freshDelta, int[] freshAt, int fresh) {
        int base = SparseCells.valueBase(cells);
        int deltaBase = SparseCells.valueBase(delta);
        int end = size;
        for (int m = fresh - 1; m >= 0; m--) {
            // The stored cells [freshAt[m], end) have the fresh cells 0..m before them.
            int from = freshAt[m];
            SparseCells.copy(cells, base, from, cells, base, from + m + 1, end - from);
            SparseCells.setColumn(cells, from + m, SparseCells.column(delta, freshDelta[m]));
            SparseCells.setValue(cells, base, from + m, SparseCells.value(delta, deltaBase, freshDelta[m]));
            end = from;
        }
        size += fresh;
    }

    /** Adds a delta of {@code k} cells by walking both rows: a counting pass, then in place or one merging pass. */
    private void mergeLinear(int[] delta, int k) {
        int fresh = 0;
        for (int i = 0, j = 0; j < k; ) {
            int ci = i == size ? Integer.MAX_VALUE : SparseCells.column(cells, i);
            int cj = SparseCells.column(delta, j);
            if (i == size || ci > cj) {
                fresh++;
                j++;
            } else if (ci == cj) {
                i++;
                j++;
            } else {
                i++;
            }
        }
        int base = SparseCells.valueBase(cells);
        int deltaBase = SparseCells.valueBase(delta);
        if (fresh == 0) {
            for (int i = 0, j = 0; j < k; i++) {
                if (SparseCells.column(cells, i) == SparseCells.column(delta, j)) {
                    SparseCells.addValue(cells, base, i, SparseCells.value(delta, deltaBase, j++));
                }
            }
            return;
        }
        int n = size + fresh;
        int capacity = grownCapacity(n);
        int[] merged = SparseCells.allocate(capacity);
        int mergedBase = SparseCells.valueBase(capacity);
        int i = 0;
        int j = 0;
        for (int to = 0; to < n; to++) {
            int ci = i < size ? SparseCells.column(cells, i) : Integer.MAX_VALUE;
            int cj = j < k ? SparseCells.column(delta, j) : Integer.MAX_VALUE;
            if (j == k || (i < size && ci < cj)) {
                SparseCells.setColumn(merged, to, ci);
                SparseCells.setValue(merged, mergedBase, to, SparseCells.value(cells, base, i++));
            } else if (i == size || cj < ci) {
                SparseCells.setColumn(merged, to, cj);
                SparseCells.setValue(merged, mergedBase, to, SparseCells.value(delta, deltaBase, j++));
            } else {
                SparseCells.setColumn(merged, to, ci);
                SparseCells.setValue(merged, mergedBase, to,
                        SparseCells.value(cells, base, i++) + SparseCells.value(delta, deltaBase, j++));
            }
        }
        cells = merged;
        size = n;
    }

    /**
     * Replaces the array by one for {@code size + fresh} cells ({@link #grownCapacity}): the stored cells with,
     * before each position {@code freshAt[m]}, the delta's cell {@code freshDelta[m]} (the positions are
     * non-decreasing).
     */
    private void splice(int[] delta, int[] freshDelta, int[] freshAt, int fresh) {
        int n = size + fresh;
        int capacity = grownCapacity(n);
        int[] merged = SparseCells.allocate(capacity);
        int mergedBase = SparseCells.valueBase(capacity);
        int base = SparseCells.valueBase(cells);
        int deltaBase = SparseCells.valueBase(delta);
        int from = 0;
        int to = 0;
        for (int m = 0; m < fresh; m++) {
            int run = freshAt[m] - from;
            if (run >= LONG_RUN) {
                SparseCells.copy(cells, base, from, merged, mergedBase, to, run);
                to += run;
                from += run;
            } else {
                // A short run: a plain loop costs less than the two calls.
                for (; from < freshAt[m]; from++, to++) {
                    SparseCells.setColumn(merged, to, SparseCells.column(cells, from));
                    SparseCells.setValue(merged, mergedBase, to, SparseCells.value(cells, base, from));
                }
            }
            SparseCells.setColumn(merged, to, SparseCells.column(delta, freshDelta[m]));
            SparseCells.setValue(merged, mergedBase, to++, SparseCells.value(delta, deltaBase, freshDelta[m]));
        }
        SparseCells.copy(cells, base, from, merged, mergedBase, to, size - from);
        cells = merged;
        size = n;
    }

    @Override
    public void scale(double factor) {
        int base = SparseCells.valueBase(cells);
        for (int i = 0; i < size; i++) {
            SparseCells.setValue(cells, base, i, SparseCells.value(cells, base, i) * factor);
        }
    }

    /** Visits the stored non-zero cells in increasing column order. */
    @Override
    public void forEachNonZero(ColumnValueConsumer consumer) {
        int base = SparseCells.valueBase(cells);
        for (int i = 0; i < size; i++) {
            double v = SparseCells.value(cells, base, i);
            if (v != 0.0) {
                consumer.accept(SparseCells.column(cells, i), v);
            }
        }
    }

    /**
     * The column of the {@code i}-th stored cell in increasing column order, {@code 0 <= i < storedCells()}: with
     * {@link #valueAt}, a way to read the cells without a callback per cell.
     */
    public int columnAt(int i) {
        return SparseCells.column(cells, Objects.checkIndex(i, size));
    }

    /** The value of the {@code i}-th stored cell (see {@link #columnAt}); it may be 0. */
    public double valueAt(int i) {
        return SparseCells.value(cells, SparseCells.valueBase(cells), Objects.checkIndex(i, size));
    }

    @Override
    public int storedCells() {
        return size;
    }

    /** The cells this row has room for without a new array ({@code >= storedCells()}). */
    int capacity() {
        return SparseCells.capacity(cells);
    }

    @Override
    public double maxAbs() {
        int base = SparseCells.valueBase(cells);
        double m = 0;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, Math.abs(SparseCells.value(cells, base, i)));
        }
        return m;
    }

    /** A copy of exactly the stored cells (no spare capacity). */
    @Override
    public SparseRow copy() {
        return new SparseRow(cols, SparseCells.exact(cells, size), size);
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
