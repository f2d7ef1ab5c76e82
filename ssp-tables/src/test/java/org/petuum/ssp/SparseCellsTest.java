package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layouts of a {@link SparseRow}: the single array of a wide row ({@link SparseCells}), whose capacity and start
 * of the values follow from its length for every capacity; for narrow and wide rows alike, values keep their exact
 * bits, a row grown cell by cell in any order holds what a {@link TreeMap} holds, {@link SparseRow.Builder} takes
 * ordered cells as they come and sorts and adds up anything else, and the width picks the layout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SparseCellsTest {

    @Test
    void capacityAndValueBaseFollowFromTheLengthForEveryCapacity() {
        for (int capacity = 0; capacity <= 5_000; capacity++) {
            int[] cells = SparseCells.allocate(capacity);
            assertEquals(capacity, SparseCells.capacity(cells), "capacity " + capacity);
            assertEquals(SparseCells.valueBase(capacity), SparseCells.valueBase(cells), "capacity " + capacity);
            assertEquals(0, SparseCells.valueBase(cells) % 2, "a value's two halves never straddle 8 bytes");
            assertTrue(SparseCells.valueBase(cells) >= capacity, "columns and values do not overlap");
            // 12 bytes a cell, at most 4 of padding.
            assertTrue(4 * cells.length <= 12 * capacity + 4, "capacity " + capacity + ": " + cells.length + " ints");
        }
    }

    @Test
    void anArrayBeyondTheLimitIsRefusedWithTheLimitNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparseCells.allocate(SparseCells.MAX_CELLS + 1));
        assertTrue(e.getMessage().contains("at most " + SparseCells.MAX_CELLS), e.getMessage());
    }

    @ParameterizedTest(name = "{0} columns")
    @ValueSource(ints = {100, SparseRow.NARROW_MAX_COLS, SparseRow.NARROW_MAX_COLS + 1})
    void valuesKeepTheirExactBits(int cols) {
        double[] odd = {Double.NaN, Double.longBitsToDouble(0x7ff0_0000_0000_0001L), -0.0, Double.MIN_VALUE,
                Double.MAX_VALUE, Double.NEGATIVE_INFINITY, 1e-300};
        SparseRow.Builder b = SparseRow.builder(cols, odd.length);
        for (int i = 0; i < odd.length; i++) {
            b.append(i * 3, odd[i]);
        }
        SparseRow row = b.build();
        for (int i = 0; i < odd.length; i++) {
            assertEquals(Double.doubleToRawLongBits(odd[i]), Double.doubleToRawLongBits(row.valueAt(i)), "cell " + i);
            assertEquals(i * 3, row.columnAt(i));
        }
    }

    @Test
    void aRowGrownCellByCellInAnyOrderHoldsWhatATreeMapHolds() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int round = 0; round < 500; round++) {
            int cols = 1 + rng.nextInt(round % 2 == 0 ? 30 : 100_000);
            SparseRow row = SparseRow.empty(cols);
            TreeMap<Integer, Double> expected = new TreeMap<>();
            int adds = rng.nextInt(300);
            for (int a = 0; a < adds; a++) {
                int c = rng.nextInt(cols);
                double v = rng.nextInt(1, 5);
                row.add(c, v);
                expected.merge(c, v, Double::sum);
            }
            assertCells(expected, row, "round " + round);
            assertCells(expected, row.copy(), "copy, round " + round);
            row.scale(2);
            expected.replaceAll((c, v) -> 2 * v);
            assertCells(expected, row, "scaled, round " + round);
        }
    }

    @ParameterizedTest(name = "{0} columns")
    @ValueSource(ints = {10, SparseRow.NARROW_MAX_COLS + 10})
    void theBuilderSortsAndAddsUpCellsOutOfOrder(int cols) {
        SparseRow row = SparseRow.builder(cols, 4).append(7, 1).append(2, 2).append(7, 3).append(0, 4).build();
        assertEquals(SparseRow.of(cols, new int[] {0, 2, 7}, new double[] {4, 2, 4}), row);
        assertEquals(3, row.storedCells());
        assertEquals(0, row.columnAt(0));
        assertEquals(7, row.columnAt(2));
    }

    @Test
    void theBuilderRefusesBadColumnsAndAWrongNumberOfCells() {
        assertThrows(IndexOutOfBoundsException.class, () -> SparseRow.builder(5, 1).append(5, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> SparseRow.builder(5, 1).append(-1, 1));
        assertThrows(IllegalStateException.class, () -> SparseRow.builder(5, 1).append(1, 1).append(2, 1));
        assertThrows(IllegalStateException.class, () -> SparseRow.builder(5, 2).append(1, 1).build());
        assertEquals(0, SparseRow.builder(5, 0).build().storedCells());
    }

    @Test
    void theTableWidthPicksTheLayout() {
        assertTrue(SparseRow.empty(SparseRow.NARROW_MAX_COLS) instanceof NarrowSparseRow);
        assertTrue(SparseRow.empty(SparseRow.NARROW_MAX_COLS + 1) instanceof WideSparseRow);
        assertTrue(SparseRow.of(10, new int[] {3}, new double[] {1}) instanceof NarrowSparseRow);
        assertTrue(SparseRow.of(1 << 20, new int[] {1 << 19}, new double[] {1}) instanceof WideSparseRow);
        // The largest column of a narrow row survives its 2-byte storage.
        SparseRow edge = SparseRow.of(SparseRow.NARROW_MAX_COLS, new int[] {0, SparseRow.NARROW_MAX_COLS - 1},
                new double[] {1, 2});
        assertEquals(SparseRow.NARROW_MAX_COLS - 1, edge.columnAt(1));
        assertEquals(2.0, edge.get(SparseRow.NARROW_MAX_COLS - 1));
        edge.add(SparseRow.NARROW_MAX_COLS - 2, 3);
        assertEquals(SparseRow.NARROW_MAX_COLS - 2, edge.columnAt(1));
    }

    private static void assertCells(TreeMap<Integer, Double> expected, SparseRow row, String what) {
        assertEquals(expected.size(), row.storedCells(), what);
        int i = 0;
        for (Map.Entry<Integer, Double> e : expected.entrySet()) {
            assertEquals(e.getKey(), row.columnAt(i), what + ", cell " + i);
            assertEquals(e.getValue(), row.valueAt(i), what + ", cell " + i);
            assertEquals(e.getValue(), row.get(e.getKey()), what + ", column " + e.getKey());
            i++;
        }
    }
}
