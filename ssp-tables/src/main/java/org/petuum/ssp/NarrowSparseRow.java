package org.petuum.ssp;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link SparseRow} of a table of at most {@value SparseRow#NARROW_MAX_COLS} columns: its columns as {@code char}s
 * (2 bytes) in one array and its values in another, 10 bytes a cell. Two arrays cost a header and a reference more
 * a row than one, but the search reads half the memory and the values are plain {@code double}s: a shard adds
 * sparse flushes to these rows faster than to the one-array layout of {@link WideSparseRow} (see "Sparse rows" in
 * {@code docs/benchmarks.md}). Not thread-safe (see {@link RowValues}).
 */
final class NarrowSparseRow extends SparseRow {
    private static final char[] NO_COLUMNS = new char[0];
    private static final double[] NO_VALUES = new double[0];

    /** Columns in increasing order, the first {@link #size} in use, and their values. */
    private char[] columns;
    private double[] values;

    NarrowSparseRow(int cols) {
        this(cols, NO_COLUMNS, NO_VALUES, 0);
    }

    NarrowSparseRow(int cols, char[] columns, double[] values, int size) {
        super(cols, size);
        this.columns = columns;
        this.values = values;
    }

    @Override
    public double get(int col) {
        int at = find(columns, 0, size, col);
        return at < size && columns[at] == col ? values[at] : 0.0;
    }

    @Override
    public void add(int col, double delta) {
        checkColumn(col);
        int at = find(columns, 0, size, col);
        if (at < size && columns[at] == col) {
            values[at] += delta;
            return;
        }
        if (size == columns.length) {
            // Grow by a quarter: little spare room, yet amortised constant cost when appending.
            int capacity = Math.max(4, size + (size >> 2));
            columns = Arrays.copyOf(columns, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        System.arraycopy(columns, at, columns, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        columns[at] = (char) col;
        values[at] = delta;
        size++;
    }

    /** See {@link SparseRow#addAll}. */
    @Override
    public void addAll(RowValues other) {
        if (!(other instanceof NarrowSparseRow s)) {
            super.addAll(other);
            return;
        }
        checkSameWidth(other);
        int k = s.size;
        if (k == 0) {
            return;
        }
        char[] deltaColumns = s.columns;
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
        int walk = SparseCells.walk(size, k);
        // The delta's columns that are new here, as (position in the delta, insertion point here), in order.
        int[] freshDelta = null;
        int[] freshAt = null;
        int fresh = 0;
        int at = 0;
        for (int j = 0; j < k; j++) {
            int c = deltaColumns[j];
            at = gallop(columns, at, size, c, walk);
            if (at < size && columns[at] == c) {
                values[at++] += deltaValues[j];
            } else {
                if (freshDelta == null) {
                    Splices room = Splices.room(k - j);
                    freshDelta = room.delta;
                    freshAt = room.at;
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
    private void mergeLinear(char[] deltaColumns, double[] deltaValues, int k) {
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
        char[] mergedColumns = new char[n];
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
    private void splice(char[] deltaColumns, double[] deltaValues, int[] freshDelta, int[] freshAt, int fresh) {
        int n = size + fresh;
        char[] mergedColumns = new char[n];
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

    /** The first position in {@code [from, to)} whose column is {@code >= key}, or {@code to}: a binary search. */
    static int find(char[] columns, int from, int to, int key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (columns[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** As {@link SparseCells#gallop}, on {@code char} columns. */
    static int gallop(char[] columns, int from, int to, int key, int walk) {
        int near = (int) Math.min(to, (long) from + walk);
        while (from < near && columns[from] < key) {
            from++;
        }
        if (from < near) {
            return from;
        }
        if (from >= to || columns[from] >= key) {
            return from;
        }
        // columns[below] < key throughout; the answer lies in (below, above].
        int below = from;
        int above = to;
        for (int step = 1; ; step <<= 1) {
            int probe = below + step;
            if (probe >= to) {
                break;
            }
            if (columns[probe] >= key) {
                above = probe;
                break;
            }
            below = probe;
        }
        return find(columns, below + 1, above, key);
    }

    @Override
    public void scale(double factor) {
        for (int i = 0; i < size; i++) {
            values[i] *= factor;
        }
    }

    @Override
    public void forEachNonZero(ColumnValueConsumer consumer) {
        for (int i = 0; i < size; i++) {
            if (values[i] != 0.0) {
                consumer.accept(columns[i], values[i]);
            }
        }
    }

    @Override
    public int columnAt(int i) {
        return columns[Objects.checkIndex(i, size)];
    }

    @Override
    public double valueAt(int i) {
        return values[Objects.checkIndex(i, size)];
    }

    @Override
    int capacity() {
        return columns.length;
    }

    @Override
    long estimatedBytes() {
        return 10L * columns.length + ShardTables.NARROW_SPARSE_ROW_BYTES;
    }

    @Override
    public double maxAbs() {
        double m = 0;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, Math.abs(values[i]));
        }
        return m;
    }

    @Override
    public SparseRow copy() {
        return new NarrowSparseRow(cols, Arrays.copyOf(columns, size), Arrays.copyOf(values, size), size);
    }
}
