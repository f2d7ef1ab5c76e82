package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RowValuesTest {

    @Test
    void denseRowAddsAndReads() {
        DenseRow r = new DenseRow(3);
        r.add(1, 2.5);
        r.add(1, 0.5);
        r.add(2, -1);
        assertArrayEquals(new double[] {0, 3, -1}, r.toArray());
        assertEquals(3.0, r.get(1));
        assertEquals(3, r.storedCells());
        assertEquals(3.0, r.maxAbs());
        assertTrue(r.isDense());
    }

    @Test
    void denseWrapSharesTheArrayButToArrayCopies() {
        double[] a = {1, 2};
        DenseRow r = DenseRow.wrap(a);
        assertSame(a, r.array());
        r.add(0, 1);
        assertEquals(2.0, a[0]);
        double[] copy = r.toArray();
        copy[1] = 100;
        assertEquals(2.0, r.get(1));
    }

    @Test
    void denseAddArrayRejectsOtherWidth() {
        DenseRow r = new DenseRow(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.addArray(new double[2]));
        assertEquals("row width mismatch: expected 3 columns but got 2", e.getMessage());
        assertArrayEquals(new double[3], r.toArray());
    }

    @Test
    void addOutsideTheRowNamesColumnAndRange() {
        for (RowValues r : new RowValues[] {new DenseRow(4), SparseRow.empty(4)}) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> r.add(4, 1));
            assertEquals("column 4 outside [0, 4)", e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> r.add(-1, 1));
            assertEquals(0.0, r.maxAbs());
        }
    }

    @Test
    void addAllMixesDenseAndSparse() {
        DenseRow d = DenseRow.wrap(new double[] {1, 2, 3, 4});
        SparseRow s = SparseRow.of(4, new int[] {0, 3}, new double[] {10, -4});
        d.addAll(s);
        assertArrayEquals(new double[] {11, 2, 3, 0}, d.toArray());

        SparseRow t = SparseRow.empty(4);
        t.addAll(DenseRow.wrap(new double[] {0, 5, 0, 1}));
        t.addAll(s);
        assertArrayEquals(new double[] {10, 5, 0, -3}, t.toArray());
        assertEquals(3, t.storedCells(), "a zero column of a dense delta is not stored");

        d.addAll(DenseRow.wrap(new double[] {1, 1, 1, 1}));
        assertArrayEquals(new double[] {12, 3, 4, 1}, d.toArray());
    }

    @Test
    void addAllRejectsOtherWidth() {
        assertThrows(IllegalArgumentException.class, () -> SparseRow.empty(3).addAll(SparseRow.empty(4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DenseRow(3).addAll(SparseRow.empty(4)));
        assertEquals("row width mismatch: expected 3 columns but got 4", e.getMessage());
    }

    @Test
    void sparseOfAddsRepeatedColumns() {
        SparseRow s = SparseRow.of(10, new int[] {7, 2, 7}, new double[] {1, 5, 2});
        assertEquals(3.0, s.get(7));
        assertEquals(5.0, s.get(2));
        assertEquals(0.0, s.get(3));
        assertEquals(2, s.storedCells());
        assertEquals(5.0, s.maxAbs());
        assertFalse(s.isDense());
    }

    @Test
    void sparseOfRejectsMismatchedLengthsAndOutOfRangeColumns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparseRow.of(10, new int[] {1, 2}, new double[] {1}));
        assertEquals("columns and values differ in length: 2 vs 1", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> SparseRow.of(10, new int[] {10}, new double[] {1}));
    }

    @Test
    void sparseForEachNonZeroSkipsCellsThatCancelledOut() {
        SparseRow s = SparseRow.of(5, new int[] {1, 3}, new double[] {2, 4});
        s.add(1, -2);
        TreeMap<Integer, Double> seen = new TreeMap<>();
        s.forEachNonZero(seen::put);
        assertEquals(java.util.Map.of(3, 4.0), seen);
        assertArrayEquals(new double[] {0, 0, 0, 4, 0}, s.toArray());
    }

    @Test
    void sparseRowsAreEqualAsVectors() {
        SparseRow a = SparseRow.of(5, new int[] {1, 3}, new double[] {2, 4});
        SparseRow b = SparseRow.of(5, new int[] {3, 4, 1}, new double[] {4, 0, 2});
        assertEquals(a, b, "an explicitly stored zero equals an absent cell");
        assertEquals(b, a);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, SparseRow.of(5, new int[] {1, 3}, new double[] {2, 5}));
        assertNotEquals(a, SparseRow.of(5, new int[] {1}, new double[] {2}));
        assertNotEquals(SparseRow.of(5, new int[] {1}, new double[] {2}), a);
        assertNotEquals(a, SparseRow.of(6, new int[] {1, 3}, new double[] {2, 4}), "widths differ");
    }

    @Test
    void denseRowsAreEqualByContents() {
        assertEquals(DenseRow.wrap(new double[] {1, 2}), DenseRow.wrap(new double[] {1, 2}));
        assertEquals(DenseRow.wrap(new double[] {1, 2}).hashCode(), DenseRow.wrap(new double[] {1, 2}).hashCode());
        assertNotEquals(DenseRow.wrap(new double[] {1, 2}), DenseRow.wrap(new double[] {1, 3}));
        assertNotEquals(DenseRow.wrap(new double[] {1, 2}), DenseRow.wrap(new double[] {1, 2, 0}));
    }

    @Test
    void copyIsIndependent() {
        DenseRow d = DenseRow.wrap(new double[] {1, 2});
        DenseRow dc = d.copy();
        dc.add(0, 5);
        assertEquals(1.0, d.get(0));
        assertEquals(6.0, dc.get(0));

        SparseRow s = SparseRow.of(4, new int[] {2}, new double[] {3});
        SparseRow sc = s.copy();
        sc.add(2, 1);
        sc.add(0, 1);
        assertEquals(3.0, s.get(2));
        assertEquals(1, s.storedCells());
        assertEquals(4.0, sc.get(2));
    }

    @Test
    void maxAbsSeesNegativeCells() {
        assertEquals(7.0, DenseRow.wrap(new double[] {1, -7, 3}).maxAbs());
        assertEquals(7.0, SparseRow.of(9, new int[] {8, 0}, new double[] {-7, 3}).maxAbs());
        assertEquals(0.0, SparseRow.empty(9).maxAbs());
    }

    @Test
    void zerosBuildsTheRequestedStorage() {
        assertInstanceOf(DenseRow.class, RowValues.zeros(TableSpec.Storage.DENSE, 3));
        assertInstanceOf(SparseRow.class, RowValues.zeros(TableSpec.Storage.SPARSE, 3));
        assertEquals(3, RowValues.zeros(TableSpec.Storage.SPARSE, 3).cols());
    }

    @Test
    void toStringShowsTheCells() {
        assertEquals("DenseRow[1.0, 0.0]", DenseRow.wrap(new double[] {1, 0}).toString());
        assertEquals("SparseRow{cols=4, 2=3.0}", SparseRow.of(4, new int[] {2}, new double[] {3}).toString());
    }
    @Test
    void sparseRowAgreesWithAMapUnderRandomAddsAndMergesAndVisitsColumnsInOrder() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int cols = 1 + rng.nextInt(64);
            SparseRow row = SparseRow.empty(cols);
            Map<Integer, Double> expected = new TreeMap<>();
            for (int step = 0; step < 40; step++) {
                if (rng.nextBoolean()) {
                    int c = rng.nextInt(cols);
                    double d = rng.nextInt(7) - 3;
                    row.add(c, d);
                    expected.merge(c, d, Double::sum);
                } else {
                    int n = rng.nextInt(8);
                    int[] cs = new int[n];
                    double[] ds = new double[n];
                    for (int k = 0; k < n; k++) {
                        cs[k] = rng.nextInt(cols);
                        ds[k] = rng.nextInt(7) - 3;
                        expected.merge(cs[k], ds[k], Double::sum);
                    }
                    SparseRow delta = SparseRow.of(cols, cs, ds);
                    SparseRow before = row.copy();
                    row.addAll(delta);
                    assertEquals(SparseRow.of(cols, cs, ds), delta, "addAll left its argument alone");
                    before.add(0, 1); // a copy shares nothing: the checks below would see it in the row
                }
                for (int c = 0; c < cols; c++) {
                    assertEquals(expected.getOrDefault(c, 0.0), row.get(c), "trial " + trial + " column " + c);
                }
                List<Integer> visited = new ArrayList<>();
                row.forEachNonZero((c, v) -> visited.add(c));
                List<Integer> nonZero = new ArrayList<>();
                expected.forEach((c, v) -> {
                    if (v != 0) {
                        nonZero.add(c);
                    }
                });
                assertEquals(nonZero, visited, "trial " + trial + ": non-zero columns, in increasing order");
            }
        }
    }
}
