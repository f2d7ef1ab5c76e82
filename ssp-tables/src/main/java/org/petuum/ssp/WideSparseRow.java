package org.petuum.ssp;

import java.util.Objects;

/**
 * A {@link SparseRow} of a table wider than {@value SparseRow#NARROW_MAX_COLS} columns: its cells in one
 * {@code int[]} ({@link SparseCells}: the columns, then each value as two ints), 12 bytes a cell and one array header
 * a row. Not thread-safe (see {@link RowValues}).
 */
final class WideSparseRow extends SparseRow {
    /** The stored cells, the first {@link #size} in use, columns in increasing order. */
    private int[] cells;

    WideSparseRow(int cols) {
        this(cols, SparseCells.EMPTY, 0);
    }

    WideSparseRow(int cols, int[] cells, int size) {
        super(cols, size);
        this.cells = cells;
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

    /** See {@link SparseRow#addAll}. */
    @Override
    public void addAll(RowValues other) {
        if (!(other instanceof WideSparseRow s)) {
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
        int walk = SparseCells.walk(size, k);
        for (int j = 0; j < k; j++) {
            int c = SparseCells.column(delta, j);
            at = SparseCells.gallop(cells, at, size, c, walk);
            if (at < size && SparseCells.column(cells, at) == c) {
                SparseCells.addValue(cells, base, at++, SparseCells.value(delta, deltaBase, j));
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
            splice(delta, freshDelta, freshAt, fresh);
        }
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
        int[] merged = SparseCells.allocate(n);
        int mergedBase = SparseCells.valueBase(n);
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
     * Replaces the array by one of exactly {@code size + fresh} cells: the stored cells with, before each position
     * {@code freshAt[m]}, the delta's cell {@code freshDelta[m]} (the positions are non-decreasing).
     */
    private void splice(int[] delta, int[] freshDelta, int[] freshAt, int fresh) {
        int n = size + fresh;
        int[] merged = SparseCells.allocate(n);
        int mergedBase = SparseCells.valueBase(n);
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

    @Override
    public int columnAt(int i) {
        return SparseCells.column(cells, Objects.checkIndex(i, size));
    }

    @Override
    public double valueAt(int i) {
        return SparseCells.value(cells, SparseCells.valueBase(cells), Objects.checkIndex(i, size));
    }

    @Override
    int capacity() {
        return SparseCells.capacity(cells);
    }

    @Override
    long estimatedBytes() {
        return 12L * SparseCells.capacity(cells) + ShardTables.SPARSE_ROW_BYTES;
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

    @Override
    public SparseRow copy() {
        return new WideSparseRow(cols, SparseCells.exact(cells, size), size);
    }
}
