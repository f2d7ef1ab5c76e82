package org.petuum.ssp;

/**
 * The storage of a {@link SparseRow}: one {@code int[]} holding, for a capacity of {@code c} cells, the columns in
 * {@code [0, c)} and then, from an even offset, each value as two {@code int}s (the high and the low half of its
 * bits). One array instead of a column array and a value array saves a header and a reference a row (16 to 24
 * bytes: a fifth of what a 10-cell row costs besides its cells) and keeps a row's columns and values in one
 * allocation; cells still move in bulk ({@link #copy}) because each part is contiguous, and every access is a plain
 * array access (a {@code byte[]} read through {@code VarHandle} views measured no faster, and depends on the
 * compiler inlining each view). The capacity is not stored: it follows from the array's length.
 */
final class SparseCells {
    /** The most cells one array can hold (about 2 GB). */
    static final int MAX_CELLS = 178_000_000;
    static final int[] EMPTY = new int[0];

    private static final long LOW = 0xFFFF_FFFFL;

    private SparseCells() {
    }

    /** An array for {@code capacity} cells. */
    static int[] allocate(int capacity) {
        if (capacity < 0 || capacity > MAX_CELLS) {
            throw new IllegalArgumentException("a sparse row holds at most " + MAX_CELLS + " cells, not "
                    + capacity + "; store a row this full in a dense table");
        }
        return capacity == 0 ? EMPTY : new int[valueBase(capacity) + 2 * capacity];
    }

    /** Where the values start in an array for {@code capacity} cells: after the columns, at an even index. */
    static int valueBase(int capacity) {
        return capacity + (capacity & 1);
    }

    /** How many cells {@code cells} has room for. */
    static int capacity(int[] cells) {
        // length = 3c for an even capacity c and 3c + 1 for an odd one.
        return cells.length / 3;
    }

    /** Where the values start in {@code cells}. */
    static int valueBase(int[] cells) {
        return valueBase(capacity(cells));
    }

    static int column(int[] cells, int i) {
        return cells[i];
    }

    static void setColumn(int[] cells, int i, int column) {
        cells[i] = column;
    }

    static double value(int[] cells, int base, int i) {
        int at = base + 2 * i;
        return Double.longBitsToDouble(((long) cells[at] << 32) | (cells[at + 1] & LOW));
    }

    static void setValue(int[] cells, int base, int i, double value) {
        int at = base + 2 * i;
        long bits = Double.doubleToRawLongBits(value);
        cells[at] = (int) (bits >>> 32);
        cells[at + 1] = (int) bits;
    }

    static void addValue(int[] cells, int base, int i, double delta) {
        setValue(cells, base, i, value(cells, base, i) + delta);
    }

    /** Copies {@code n} cells from position {@code from} of {@code src} to position {@code to} of {@code dst}. */
    static void copy(int[] src, int srcBase, int from, int[] dst, int dstBase, int to, int n) {
        System.arraycopy(src, from, dst, to, n);
        System.arraycopy(src, srcBase + 2 * from, dst, dstBase + 2 * to, 2 * n);
    }

    /** The first {@code size} cells of {@code cells} in a new array of exactly that capacity. */
    static int[] exact(int[] cells, int size) {
        if (capacity(cells) == size) {
            return size == 0 ? EMPTY : cells.clone();
        }
        int[] out = allocate(size);
        copy(cells, valueBase(cells), 0, out, valueBase(size), 0, size);
        return out;
    }

    /** The first position in {@code [from, to)} whose column is {@code >= key}, or {@code to}: a binary search. */
    static int find(int[] cells, int from, int to, int key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cells[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Cells a search for a key expected near its start walks one by one before it gallops, when the keys are on
     * average at most {@link #WALK_GAP} cells apart ({@link #walk}): 32 columns are one or two cache lines, and
     * walking them costs less than the mispredicted branches of a galloping search. Measured on a shard adding
     * flushes whose columns are about 12 cells apart in rows larger than the cache: about 9% less time; with keys
     * about 40 apart, walking first cost more than galloping at once (up to 10% on the shard, 20–55% on rows in
     * cache), hence the gap ("Sparse flushes: the search and the garbage" in {@code docs/benchmarks.md}).
     */
    static final int WALK_CELLS = 32;
    /** The largest average distance between the keys of a merge at which its searches walk first. */
    static final int WALK_GAP = 20;

    /**
     * How many cells each search of a merge of {@code keys} sorted keys into {@code stored} cells walks before it
     * gallops: {@link #WALK_CELLS} when the keys are on average at most {@link #WALK_GAP} cells apart, else none.
     */
    static int walk(int stored, int keys) {
        return stored <= (long) WALK_GAP * keys ? WALK_CELLS : 0;
    }

    /**
     * As {@link #find}, for a key expected near {@code from}: walks the first {@code walk} cells, then probes
     * {@code +1, +3, +7, ...} cells further until it passes {@code key} and searches the last gap by halves, so a key
     * {@code d} cells ahead costs {@code d} comparisons within the walk and about {@code 2 log2(d)} beyond it.
     */
    static int gallop(int[] cells, int from, int to, int key, int walk) {
        int near = (int) Math.min(to, (long) from + walk);
        while (from < near && cells[from] < key) {
            from++;
        }
        if (from < near) {
            return from;
        }
        if (from >= to || cells[from] >= key) {
            return from;
        }
        // cells[below] < key throughout; the answer lies in (below, above].
        int below = from;
        int above = to;
        for (int step = 1; ; step <<= 1) {
            int probe = below + step;
            if (probe >= to) {
                break;
            }
            if (cells[probe] >= key) {
                above = probe;
                break;
            }
            below = probe;
        }
        return find(cells, below + 1, above, key);
    }
}
