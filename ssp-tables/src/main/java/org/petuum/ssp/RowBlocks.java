package org.petuum.ssp;

import java.util.Arrays;
import org.petuum.shaded.fastutil.ints.Int2ObjectMap;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;
import org.petuum.shaded.fastutil.ints.IntArrayList;

/**
 * The stored rows of a dense table narrower than {@link ShardTables#LEND_FROM_COLUMNS}, packed in blocks: a shard
 * holds the rows {@code r} with {@code r mod numShards == shardIndex} ({@link RowPartitioner}), whose local index
 * {@code r / numShards} runs without gaps; each run of {@value #ROWS} local indices shares one array of
 * {@code ROWS * cols} cells and a mask of which of them were written. A block exists only once one of its rows is
 * written; a row never written reads as absent, as in a {@link RowMap}.
 *
 * <p>Why: a narrow row stored on its own pays a row object, an array header and a map slot (about
 * {@value ShardTables#DENSE_ROW_BYTES} bytes) for 8 to 504 bytes of cells; a block pays about
 * {@value ShardTables#BLOCK_BYTES} bytes once for {@value #ROWS} rows. Rows are never lent ({@link #get} and
 * {@link #snapshot} give copies, cheap for narrow rows), so a change is made in place.
 *
 * <p>Not thread-safe (see {@link StoredRows}).
 */
final class RowBlocks implements StoredRows {
    /** Rows per block: one bit each in a {@code long} mask. */
    static final int ROWS = 64;

    private final int cols;
    private final int shardIndex;
    private final int numShards;
    private final Int2ObjectOpenHashMap<Block> blocks;
    private int size;
    /** The row {@link #peek} fills and returns, made at its first call. */
    private DenseRow peeked;

    /** {@value #ROWS} rows of cells, row after row, and which of them were written (bit {@code i}: row {@code i}). */
    private static final class Block {
        long written;
        final double[] cells;

        Block(long written, double[] cells) {
            this.written = written;
            this.cells = cells;
        }
    }

    RowBlocks(int cols, int shardIndex, int numShards) {
        this(cols, shardIndex, numShards, new Int2ObjectOpenHashMap<>(), 0);
    }

    private RowBlocks(int cols, int shardIndex, int numShards, Int2ObjectOpenHashMap<Block> blocks, int size) {
        if (cols <= 0 || shardIndex < 0 || shardIndex >= numShards) {
            throw new IllegalArgumentException("cols " + cols + ", shard " + shardIndex + " of " + numShards
                    + " (expected: cols > 0, 0 <= shard < shards)");
        }
        this.cols = cols;
        this.shardIndex = shardIndex;
        this.numShards = numShards;
        this.blocks = blocks;
        this.size = size;
    }

    @Override
    public RowValues get(int row) {
        int local = local(row);
        Block b = holding(local);
        if (b == null) {
            return null;
        }
        int from = (local % ROWS) * cols;
        return DenseRow.wrap(Arrays.copyOfRange(b.cells, from, from + cols));
    }

    @Override
    public RowValues peek(int row) {
        int local = local(row);
        Block b = holding(local);
        if (b == null) {
            return null;
        }
        if (peeked == null) {
            peeked = new DenseRow(cols);
        }
        System.arraycopy(b.cells, (local % ROWS) * cols, peeked.array(), 0, cols);
        return peeked;
    }

    @Override
    public RowValues snapshot(int row) {
        RowValues stored = get(row);
        return stored != null ? stored : new DenseRow(cols);
    }

    @Override
    public void add(int row, RowValues delta) {
        checkWidth(row, delta);
        int local = local(row);
        double[] cells = written(local).cells;
        int from = (local % ROWS) * cols;
        if (delta instanceof DenseRow d) {
            double[] a = d.array();
            for (int c = 0; c < cols; c++) {
                cells[from + c] += a[c];
            }
        } else {
            delta.forEachNonZero((c, v) -> cells[from + c] += v);
        }
    }

    @Override
    public RowValues update(int row, Change change) {
        RowValues target = snapshot(row);
        RowValues out = change.applyTo(target);
        put(row, target);
        return out;
    }

    @Override
    public void put(int row, RowValues value) {
        checkWidth(row, value);
        int local = local(row);
        double[] cells = written(local).cells;
        int from = (local % ROWS) * cols;
        if (value instanceof DenseRow d) {
            System.arraycopy(d.array(), 0, cells, from, cols);
        } else {
            Arrays.fill(cells, from, from + cols, 0.0);
            value.forEachNonZero((c, v) -> cells[from + c] = v);
        }
    }

    /** The block of local row {@code local} if that row was written, else {@code null}. */
    private Block holding(int local) {
        Block b = blocks.get(local / ROWS);
        return b == null || (b.written & bit(local)) == 0 ? null : b;
    }

    /** The block of local row {@code local}, made if absent, with the row marked as written (and counted). */
    private Block written(int local) {
        Block b = blocks.get(local / ROWS);
        if (b == null) {
            b = new Block(0, new double[ROWS * cols]);
            blocks.put(local / ROWS, b);
        }
        long bit = bit(local);
        if ((b.written & bit) == 0) {
            b.written |= bit;
            size++;
        }
        return b;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] ids(int fromRow, int toRow) {
        IntArrayList ids = new IntArrayList();
        for (Int2ObjectMap.Entry<Block> e : blocks.int2ObjectEntrySet()) {
            long first = (long) e.getIntKey() * ROWS;
            for (long w = e.getValue().written; w != 0; w &= w - 1) {
                long row = (first + Long.numberOfTrailingZeros(w)) * numShards + shardIndex;
                if (row >= fromRow && row < toRow) {
                    ids.add((int) row);
                }
            }
        }
        int[] out = ids.toIntArray();
        Arrays.sort(out);
        return out;
    }

    @Override
    public RowBlocks copy() {
        Int2ObjectOpenHashMap<Block> copies = new Int2ObjectOpenHashMap<>(blocks.size());
        for (Int2ObjectMap.Entry<Block> e : blocks.int2ObjectEntrySet()) {
            copies.put(e.getIntKey(), new Block(e.getValue().written, e.getValue().cells.clone()));
        }
        return new RowBlocks(cols, shardIndex, numShards, copies, size);
    }

    @Override
    public long cells() {
        return (long) size * cols;
    }

    /** Every block counts whole, written rows or not: its array holds all {@value #ROWS}. */
    @Override
    public long estimatedBytes() {
        return blocks.size() * (ShardTables.BLOCK_BYTES + 8L * ROWS * cols);
    }

    /** The index of {@code row} among this shard's rows. */
    private int local(int row) {
        int local = row / numShards;
        // One division per access (a read divides twice: sized, then copied); the check multiplies back instead.
        if (local * numShards + shardIndex != row) {
            throw new IllegalArgumentException("row " + row + " is not held by shard " + shardIndex + " of "
                    + numShards);
        }
        return local;
    }

    private static long bit(int local) {
        return 1L << (local % ROWS);
    }

    private void checkWidth(int row, RowValues value) {
        if (value.cols() != cols) {
            throw new IllegalArgumentException("row " + row + ": " + value.cols() + " columns, expected " + cols);
        }
    }
}
