package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Narrow dense rows stored in blocks ({@link RowBlocks}) read back exactly as a plain map of row id to cells would
 * hold them, through a seeded random mix of adds, puts, in-place changes, reads, range reads and copies, on rows at
 * the edges of blocks and far apart, for several shard layouts and widths.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RowBlocksTest {
    /** Cells must be equal, except that -0.0 and 0.0 count as one (adding a zero cell turns one into the other). */
    private static final double EXACT = 0.0;

    static Stream<Arguments> layouts() {
        List<Arguments> out = new ArrayList<>();
        int[][] shards = {{1, 0}, {3, 0}, {3, 2}, {7, 5}};
        for (int[] s : shards) {
            for (int cols : new int[] {1, 10, 63}) {
                out.add(Arguments.of(s[0], s[1], cols));
            }
        }
        return out.stream();
    }

    @Test
    void narrowDenseTablesAreStoredInBlocksAndTheRestInAMap() {
        assertInstanceOf(RowBlocks.class, StoredRows.of(TableSpec.dense("n", 10, 63), 0, 1));
        assertInstanceOf(RowMap.class, StoredRows.of(TableSpec.dense("w", 10, ShardTables.LEND_FROM_COLUMNS), 0, 1));
        assertInstanceOf(RowMap.class, StoredRows.of(TableSpec.sparse("s", 10, 3), 0, 1));
    }

    @ParameterizedTest(name = "shard {1} of {0}, {2} columns")
    @MethodSource("layouts")
    void aRandomMixOfChangesReadsAsAPlainMapOfRows(int numShards, int shardIndex, int cols) {
        SplittableRandom rng = new SplittableRandom(31L * numShards + 7L * shardIndex + cols);
        int[] rows = candidateRows(numShards, shardIndex, rng);
        RowBlocks blocks = new RowBlocks(cols, shardIndex, numShards);
        TreeMap<Integer, double[]> truth = new TreeMap<>();
        List<RowBlocks> copies = new ArrayList<>();
        List<TreeMap<Integer, double[]>> copiedTruths = new ArrayList<>();
        List<RowValues> answers = new ArrayList<>();
        List<double[]> answered = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            int row = rows[rng.nextInt(rows.length)];
            String at = "step " + step + " row " + row;
            switch (rng.nextInt(7)) {
                case 0, 1 -> { // add a dense or sparse delta
                    RowValues delta = randomRow(rng, cols, rng.nextBoolean());
                    blocks.add(row, delta);
                    addInto(truth.computeIfAbsent(row, r -> new double[cols]), delta);
                }
                case 2 -> { // put a dense or sparse value
                    RowValues value = randomRow(rng, cols, rng.nextBoolean());
                    blocks.put(row, value);
                    truth.put(row, value.toArray());
                }
                case 3 -> { // change in place, as an optimizer step does
                    double factor = rng.nextInt(5) - 2;
                    RowValues out = blocks.update(row, r -> {
                        r.scale(factor);
                        r.add(0, 1.0);
                        return r.copy();
                    });
                    double[] t = truth.computeIfAbsent(row, r -> new double[cols]);
                    for (int c = 0; c < cols; c++) {
                        t[c] *= factor;
                    }
                    t[0] += 1.0;
                    assertArrayEquals(t, out.toArray(), EXACT, at);
                }
                case 4 -> { // read, and keep the answer to check it never changes
                    RowValues got = blocks.get(row);
                    double[] t = truth.get(row);
                    if (t == null) {
                        assertNull(got, at);
                        assertNull(blocks.peek(row), at);
                        assertArrayEquals(new double[cols], blocks.snapshot(row).toArray(), EXACT, at);
                    } else {
                        assertArrayEquals(t, got.toArray(), EXACT, at);
                        assertArrayEquals(t, blocks.peek(row).toArray(), EXACT, at);
                        answers.add(blocks.snapshot(row));
                        answered.add(t.clone());
                    }
                }
                case 5 -> { // a range of row ids
                    int a = rows[rng.nextInt(rows.length)];
                    int b = rows[rng.nextInt(rows.length)];
                    int from = Math.min(a, b) - rng.nextInt(2);
                    int to = (int) Math.min(Integer.MAX_VALUE, (long) Math.max(a, b) + rng.nextInt(2));
                    assertArrayEquals(ids(truth.subMap(from, true, to, false)), blocks.ids(from, to),
                            at + " range [" + from + ", " + to + ")");
                }
                default -> { // a copy, which must not move with the original from here on
                    copies.add(blocks.copy());
                    copiedTruths.add(deepCopy(truth));
                }
            }
            checkSizes(blocks, truth, numShards, cols, at);
        }
        checkSame(blocks, truth, "the table");
        for (int i = 0; i < copies.size(); i++) {
            checkSame(copies.get(i), copiedTruths.get(i), "copy " + i);
            checkSizes(copies.get(i), copiedTruths.get(i), numShards, cols, "copy " + i);
        }
        for (int i = 0; i < answers.size(); i++) {
            assertArrayEquals(answered.get(i), answers.get(i).toArray(), EXACT,
                    "answer " + i + " changed after it was given");
        }
        // A copy changes on its own too.
        RowBlocks copy = blocks.copy();
        int row = truth.firstKey();
        copy.add(row, DenseRow.wrap(filled(cols, 1.0)));
        assertArrayEquals(truth.get(row), blocks.get(row).toArray(), EXACT, "a change to a copy reached the original");
    }

    @Test
    void aBlockIsAllocatedOnlyForTheRowsWritten() {
        int cols = 10;
        long perBlock = ShardTables.BLOCK_BYTES + 8L * RowBlocks.ROWS * cols;
        RowBlocks blocks = new RowBlocks(cols, 1, 4);
        assertEquals(0, blocks.estimatedBytes());
        blocks.add(1 + 4 * 63, DenseRow.wrap(filled(cols, 1))); // local 63: the last row of block 0
        blocks.add(1 + 4 * 64, DenseRow.wrap(filled(cols, 1))); // local 64: the first row of block 1
        blocks.add(1 + 4 * 200_000_000, DenseRow.wrap(filled(cols, 1))); // far apart
        assertEquals(3 * perBlock, blocks.estimatedBytes());
        blocks.put(1, DenseRow.wrap(filled(cols, 2))); // local 0: block 0 again
        assertEquals(3 * perBlock, blocks.estimatedBytes());
        assertEquals(4, blocks.size());
        assertEquals(4L * cols, blocks.cells());
        assertArrayEquals(new int[] {1, 1 + 4 * 63, 1 + 4 * 64, 1 + 4 * 200_000_000},
                blocks.ids(0, Integer.MAX_VALUE));
        assertNull(blocks.get(1 + 4 * 62), "a row of an allocated block that was never written is absent");
    }

    @Test
    void aRowOfAnotherShardOrWidthIsRefused() {
        RowBlocks blocks = new RowBlocks(3, 1, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> blocks.get(2));
        assertEquals("row 2 is not held by shard 1 of 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> blocks.add(-3, new DenseRow(3)));
        e = assertThrows(IllegalArgumentException.class, () -> blocks.put(5, new DenseRow(4)));
        assertEquals("row 5: 4 columns, expected 3", e.getMessage());
        assertEquals(0, blocks.size());
    }

    /** Rows of the shard at the edges of blocks (local indices 0, 63, 64, ...), far apart, and a few at random. */
    private static int[] candidateRows(int numShards, int shardIndex, SplittableRandom rng) {
        // Row ids lie below a table's row count, an int: the largest possible is Integer.MAX_VALUE - 1.
        int maxLocal = (Integer.MAX_VALUE - 1 - shardIndex) / numShards;
        TreeSet<Integer> locals = new TreeSet<>(List.of(0, 1, 62, 63, 64, 65, 127, 128, 191, 192, 4095, 4096,
                1_000_003, maxLocal - 64, maxLocal - 1, maxLocal));
        while (locals.size() < 40) {
            locals.add(rng.nextInt(300));
        }
        return locals.stream().mapToInt(l -> l * numShards + shardIndex).toArray();
    }

    private static RowValues randomRow(SplittableRandom rng, int cols, boolean dense) {
        RowValues row = dense ? new DenseRow(cols) : SparseRow.empty(cols);
        int cells = dense ? cols : 1 + rng.nextInt(Math.min(cols, 4));
        for (int k = 0; k < cells; k++) {
            row.add(dense ? k : rng.nextInt(cols), rng.nextInt(21) - 10);
        }
        return row;
    }

    private static void addInto(double[] target, RowValues delta) {
        delta.forEachNonZero((c, v) -> target[c] += v);
    }

    private static void checkSame(RowBlocks blocks, TreeMap<Integer, double[]> truth, String what) {
        assertArrayEquals(ids(truth), blocks.ids(0, Integer.MAX_VALUE), what + ": stored ids");
        for (Map.Entry<Integer, double[]> e : truth.entrySet()) {
            assertArrayEquals(e.getValue(), blocks.get(e.getKey()).toArray(), EXACT, what + ": row " + e.getKey());
        }
    }

    /** Rows, cells, and whole blocks for exactly the block indices that hold a written row. */
    private static void checkSizes(RowBlocks blocks, TreeMap<Integer, double[]> truth, int numShards, int cols,
                                   String at) {
        assertEquals(truth.size(), blocks.size(), at + ": rows");
        assertEquals((long) truth.size() * cols, blocks.cells(), at + ": cells");
        long blockCount = truth.keySet().stream().map(r -> r / numShards / RowBlocks.ROWS).distinct().count();
        assertEquals(blockCount * (ShardTables.BLOCK_BYTES + 8L * RowBlocks.ROWS * cols), blocks.estimatedBytes(),
                at + ": blocks");
    }

    private static int[] ids(Map<Integer, double[]> rows) {
        return rows.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    private static TreeMap<Integer, double[]> deepCopy(TreeMap<Integer, double[]> rows) {
        TreeMap<Integer, double[]> out = new TreeMap<>();
        rows.forEach((r, v) -> out.put(r, v.clone()));
        return out;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
