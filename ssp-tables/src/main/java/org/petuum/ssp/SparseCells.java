package org.petuum.ssp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The storage of a {@link SparseRow}: one {@code byte[]} holding, for a capacity of {@code c} cells, the columns
 * as {@code int}s in bytes {@code [0, 4c)} (padded to a multiple of 8) and then the values as {@code double}s, both
 * in the machine's byte order. One array instead of a column array and a value array saves a header and a
 * reference a row (16 to 24 bytes: a fifth of what a 10-cell row costs besides its cells) and keeps a row's
 * columns and values in one allocation; cells are still moved in bulk ({@link #copy}) because each part is
 * contiguous. The capacity is not stored: it follows from the array's length.
 */
final class SparseCells {
    /** The most cells one array can hold (about 2 GB). */
    static final int MAX_CELLS = 178_000_000;
    static final byte[] EMPTY = new byte[0];

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle DOUBLE =
            MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.nativeOrder());

    private SparseCells() {
    }

    /** An array for {@code capacity} cells. */
    static byte[] allocate(int capacity) {
        if (capacity < 0 || capacity > MAX_CELLS) {
            throw new IllegalArgumentException("a sparse row holds at most " + MAX_CELLS + " cells, not "
                    + capacity + "; store a row this full in a dense table");
        }
        return capacity == 0 ? EMPTY : new byte[valueBase(capacity) + 8 * capacity];
    }

    /** Where the values start in an array for {@code capacity} cells. */
    static int valueBase(int capacity) {
        return ((capacity + 1) >> 1) << 3;
    }

    /** Where the values start in {@code cells}. */
    static int valueBase(byte[] cells) {
        // length = 8 * (ceil(c / 2) + c), so ceil(c / 2) = (length / 8 + 1) / 3 for even and odd c alike.
        return (((cells.length >> 3) + 1) / 3) << 3;
    }

    /** How many cells {@code cells} has room for. */
    static int capacity(byte[] cells) {
        return (cells.length - valueBase(cells)) >> 3;
    }

    static int column(byte[] cells, int i) {
        return (int) INT.get(cells, i << 2);
    }

    static void setColumn(byte[] cells, int i, int column) {
        INT.set(cells, i << 2, column);
    }

    static double value(byte[] cells, int base, int i) {
        return (double) DOUBLE.get(cells, base + (i << 3));
    }

    static void setValue(byte[] cells, int base, int i, double value) {
        DOUBLE.set(cells, base + (i << 3), value);
    }

    static void addValue(byte[] cells, int base, int i, double delta) {
        int at = base + (i << 3);
        DOUBLE.set(cells, at, (double) DOUBLE.get(cells, at) + delta);
    }

    /** Copies {@code n} cells from position {@code from} of {@code src} to position {@code to} of {@code dst}. */
    static void copy(byte[] src, int srcBase, int from, byte[] dst, int dstBase, int to, int n) {
        System.arraycopy(src, from << 2, dst, to << 2, n << 2);
        System.arraycopy(src, srcBase + (from << 3), dst, dstBase + (to << 3), n << 3);
    }

    /** The first {@code size} cells of {@code cells} in a new array of exactly that capacity. */
    static byte[] exact(byte[] cells, int size) {
        if (capacity(cells) == size) {
            return size == 0 ? EMPTY : cells.clone();
        }
        byte[] out = allocate(size);
        copy(cells, valueBase(cells), 0, out, valueBase(size), 0, size);
        return out;
    }

    /** The first position in {@code [from, to)} whose column is {@code >= key}, or {@code to}: a binary search. */
    static int find(byte[] cells, int from, int to, int key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (column(cells, mid) < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * As {@link #find}, for a key expected near {@code from}: probes {@code from, from + 1, from + 3, from + 7, ...}
     * until it passes {@code key}, then searches the last gap by halves, so a key {@code d} cells ahead costs about
     * {@code 2 log2(d)} comparisons.
     */
    static int gallop(byte[] cells, int from, int to, int key) {
        if (from >= to || column(cells, from) >= key) {
            return from;
        }
        // column(below) < key throughout; the answer lies in (below, above].
        int below = from;
        int above = to;
        for (int step = 1; ; step <<= 1) {
            int probe = below + step;
            if (probe >= to) {
                break;
            }
            if (column(cells, probe) >= key) {
                above = probe;
                break;
            }
            below = probe;
        }
        return find(cells, below + 1, above, key);
    }
}
