package org.petuum.ssp;

import java.util.Arrays;
import java.util.Objects;

/**
 * A row that stores only the columns it has been given, as two parallel primitive arrays sorted by column: about
 * 12 bytes per stored cell (an {@code int} and a {@code double}) and a fixed 64 or so per row, where a hash map
 * costs 25 to 50 per cell (measured by {@code bench memory}). A lookup is a binary search; adding a sparse row
 * ({@link #addAll}) costs in proportion to that row's cells, not this one's, when its columns are stored here, and
 * otherwise splices the new columns in with bulk copies, leaving no spare capacity; adding one new column
 * shifts the cells after it, so building a row column by column is cheapest in increasing column order (as
 * decoders and checkpoint readers do). See {@link RowValues} for the threading contract.
 */
public final class SparseRow extends RowValues {
    private static final int[] NO_COLUMNS = new int[0];
    private static final double[] NO_VALUES = new double[0];

    /** Runs of stored cells at least this long are moved by {@code System.arraycopy} when splicing. */
    private static final int LONG_RUN = 16;

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

    /**
     * A row that takes {@code columns} and {@code values} as its storage when the columns are strictly increasing
     * (as they arrive from a decoder of a {@code SparseRow}), checking them in one pass without copying; otherwise
     * as {@link #of}: sorted, repeated columns added up. The caller must not use the arrays afterwards.
     *
     * @throws IndexOutOfBoundsException for a column outside {@code [0, cols)}
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static SparseRow wrap(int cols, int[] columns, double[] values) {
        if (columns.length != values.length) {
            throw new IllegalArgumentException(
                    "columns and values differ in length: " + columns.length + " vs " + values.length);
        }
        int previous = -1;
        for (int c : columns) {
            if (c <= previous || c >= cols) {
                // Out of order, repeated or out of range: of() sorts and adds up, or names the bad column.
                return of(cols, columns, values);
            }
            previous = c;
        }
        return new SparseRow(cols, columns, values, columns.length);
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

    /**
     * Adds {@code other} to this row at a cost that grows with the cells of {@code other} (k), not with those of this
     * row (n), when most of its columns are stored here already: each delta column is found by a galloping search
     * from where the previous one was (O(k log(n / k)) comparisons) and added in place. Columns that are new here
     * are then spliced in by copies of the runs of stored cells between them, into arrays of exactly the new size: a
     * stored row keeps no spare capacity. A delta at least as large as this row is merged by walking both.
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
        int[] deltaColumns = s.columns;
        double[] deltaValues = s.values;
        if (size == 0) {
            columns = Arrays.copyOf(deltaColumns, k);
            values = Arrays.copyOf(deltaValues, k);
            size = k;
            return;
        }
        if (size <= k) {
            // The delta is as large as this row: searching saves nothing over walking both.
            mergeLinear(deltaColumns, deltaValues, k);
            return;
        }
        // The delta's columns that are new here, as (position in the delta, insertion point here), in order.
        int[] freshDelta = null;
        int[] freshAt = null;
        int fresh = 0;
        int at = 0;
        for (int j = 0; j < k; j++) {
            int c = deltaColumns[j];
            at = gallop(columns, at, size, c);
            if (at < size && columns[at] == c) {
                values[at++] += deltaValues[j];
            } else {
                if (freshDelta == null) {
                    freshDelta = new int[k - j];
                    freshAt = new int[k - j];
                }
                freshDelta[fresh] = j;
                freshAt[fresh++] = at;
            }
        }
        if (fresh > 0) {
            splice(deltaColumns, deltaValues, freshDelta, freshAt, fresh);
        }
    }

    /** Adds a delta of {@code k} cells by walking both rows: a counting pass, then in place or one merging pass. */
    private void mergeLinear(int[] deltaColumns, double[] deltaValues, int k) {
        int fresh = 0;
        for (int i = 0, j = 0; j < k; ) {
            if (i == size || columns[i] > deltaColumns[j]) {
                fresh++;
                j++;
            } else if (columns[i] == deltaColumns[j]) {
                i++;
                j++;
            } else {
                i++;
            }
        }
        if (fresh == 0) {
            for (int i = 0, j = 0; j < k; i++) {
                if (columns[i] == deltaColumns[j]) {
                    values[i] += deltaValues[j++];
                }
            }
            return;
        }
        int n = size + fresh;
        int[] mergedColumns = new int[n];
        double[] mergedValues = new double[n];
        int i = 0;
        int j = 0;
        for (int to = 0; to < n; to++) {
            if (j == k || (i < size && columns[i] < deltaColumns[j])) {
                mergedColumns[to] = columns[i];
                mergedValues[to] = values[i++];
            } else if (i == size || deltaColumns[j] < columns[i]) {
                mergedColumns[to] = deltaColumns[j];
                mergedValues[to] = deltaValues[j++];
            } else {
                mergedColumns[to] = columns[i];
                mergedValues[to] = values[i++] + deltaValues[j++];
            }
        }
        columns = mergedColumns;
        values = mergedValues;
        size = n;
    }

    /**
     * Replaces the arrays by ones of exactly {@code size + fresh} cells: the stored cells with, before each position
     * {@code freshAt[m]}, the delta's cell {@code freshDelta[m]} (the positions are non-decreasing).
     */
    private void splice(int[] deltaColumns, double[] deltaValues, int[] freshDelta, int[] freshAt, int fresh) {
        int n = size + fresh;
        int[] mergedColumns = new int[n];
        double[] mergedValues = new double[n];
        int from = 0;
        int to = 0;
        for (int m = 0; m < fresh; m++) {
            int run = freshAt[m] - from;
            if (run >= LONG_RUN) {
                System.arraycopy(columns, from, mergedColumns, to, run);
                System.arraycopy(values, from, mergedValues, to, run);
                to += run;
                from += run;
            } else {
                // A short run: a plain loop costs less than the two calls.
                for (; from < freshAt[m]; from++, to++) {
                    mergedColumns[to] = columns[from];
                    mergedValues[to] = values[from];
                }
            }
            mergedColumns[to] = deltaColumns[freshDelta[m]];
            mergedValues[to++] = deltaValues[freshDelta[m]];
        }
        System.arraycopy(columns, from, mergedColumns, to, size - from);
        System.arraycopy(values, from, mergedValues, to, size - from);
        columns = mergedColumns;
        values = mergedValues;
        size = n;
    }

    /**
     * The first position in {@code [from, to)} of the sorted {@code a} whose column is {@code >= key}, or {@code to}
     * if there is none: probes {@code from, from + 1, from + 3, from + 7, ...} until it passes {@code key}, then
     * searches the last gap by halves, so a key {@code d} cells ahead costs about {@code 2 log2(d)} comparisons.
     */
    static int gallop(int[] a, int from, int to, int key) {
        if (from >= to || a[from] >= key) {
            return from;
        }
        // a[below] < key throughout; the answer lies in (below, above].
        int below = from;
        int above = to;
        for (int step = 1; ; step <<= 1) {
            int probe = below + step;
            if (probe >= to) {
                break;
            }
            if (a[probe] >= key) {
                above = probe;
                break;
            }
            below = probe;
        }
        int lo = below + 1;
        while (lo < above) {
            int mid = (lo + above) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                above = mid;
            }
        }
        return lo;
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

    /**
     * The column of the {@code i}-th stored cell in increasing column order, {@code 0 <= i < storedCells()}: with
     * {@link #valueAt}, a way to read the cells without a callback per cell.
     */
    public int columnAt(int i) {
        return columns[Objects.checkIndex(i, size)];
    }

    /** The value of the {@code i}-th stored cell (see {@link #columnAt}); it may be 0. */
    public double valueAt(int i) {
        return values[Objects.checkIndex(i, size)];
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
