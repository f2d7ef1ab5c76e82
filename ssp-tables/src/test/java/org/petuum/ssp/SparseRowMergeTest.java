package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SparseRow#addAll} of sparse rows and {@link SparseRow#of}, against a plain {@link TreeMap} of column to
 * value, on seeded random rows and deltas: empty rows, deltas whose columns are all new, all stored, or mixed, and
 * columns at the start and the end of the row.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SparseRowMergeTest {
    private static final int ROUNDS = 4_000;

    /** How a delta's columns relate to the stored row's. */
    private enum Kind { ALL_NEW, ALL_STORED, MIXED, ANY }

    @Test
    void addAllMatchesATreeMapForEveryKindOfDelta() {
        SplittableRandom rng = new SplittableRandom(12);
        for (Kind kind : Kind.values()) {
            for (int round = 0; round < ROUNDS; round++) {
                int cols = width(rng, round);
                TreeMap<Integer, Double> stored = randomCells(rng, cols, rng.nextInt(Math.min(cols, 300) + 1));
                TreeMap<Integer, Double> delta = delta(rng, cols, stored, kind);
                checkAdd(cols, stored, delta, kind + " round " + round);
            }
        }
    }

    @Test
    void aRowFillingDeltaByDeltaMatchesATreeMapAndKeepsNoSpareRoom() {
        SplittableRandom rng = new SplittableRandom(21);
        for (int round = 0; round < 200; round++) {
            int cols = 50 + width(rng, round);
            SparseRow row = SparseRow.empty(cols);
            TreeMap<Integer, Double> expected = new TreeMap<>();
            for (int clock = 0; clock < 60; clock++) {
                // Small deltas into a growing row, as a shard applies flushes to a table still filling.
                TreeMap<Integer, Double> delta = delta(rng, cols, expected, Kind.ANY);
                row.addAll(toRow(cols, delta));
                delta.forEach((c, v) -> expected.merge(c, v, Double::sum));
                assertCells(expected, row, "round " + round + ", clock " + clock);
                assertEquals(row.storedCells(), row.capacity(), "round " + round + ": room beyond the stored cells");
            }
        }
    }

    @Test
    void addAllAtTheEdgesOfTheRow() {
        int cols = 100;
        TreeMap<Integer, Double> middle = cells(40, 1.0, 50, 2.0, 60, 3.0);
        // New columns before, after, and on both sides of every stored one.
        checkAdd(cols, middle, cells(0, 5.0), "before the first");
        checkAdd(cols, middle, cells(99, 5.0), "after the last");
        checkAdd(cols, middle, cells(0, 1.0, 99, 2.0), "both ends");
        checkAdd(cols, middle, cells(0, 1.0, 1, 1.0, 2, 1.0), "a run before the first");
        checkAdd(cols, middle, cells(97, 1.0, 98, 1.0, 99, 1.0), "a run after the last");
        checkAdd(cols, middle, cells(39, 1.0, 41, 1.0, 49, 1.0, 51, 1.0, 59, 1.0, 61, 1.0), "around every cell");
        checkAdd(cols, middle, cells(40, -1.0), "the first, in place");
        checkAdd(cols, middle, cells(60, -3.0), "the last, in place");
        checkAdd(cols, middle, cells(40, 1.0, 45, 1.0, 60, 1.0), "stored, new, stored");
        checkAdd(cols, middle, cells(), "an empty delta");
        checkAdd(cols, cells(), cells(3, 1.0, 7, 2.0), "into an empty row");
        checkAdd(cols, cells(), cells(), "empty into empty");
        checkAdd(1, cells(0, 1.0), cells(0, 2.0), "a row of one column");
    }

    @Test
    void anExplicitZeroInTheDeltaIsStoredAndEqualsAbsence() {
        SparseRow row = SparseRow.of(10, new int[] {2, 5}, new double[] {1, 1});
        row.addAll(SparseRow.of(10, new int[] {3, 5}, new double[] {0, -1}));
        assertEquals(3, row.storedCells(), "columns 2, 3 and 5 are stored");
        assertEquals(SparseRow.of(10, new int[] {2}, new double[] {1}), row);
    }

    @Test
    void addingARowToItselfDoublesIt() {
        SparseRow row = SparseRow.of(10, new int[] {1, 4, 9}, new double[] {1, 2, 3});
        row.addAll(row);
        assertEquals(SparseRow.of(10, new int[] {1, 4, 9}, new double[] {2, 4, 6}), row);
    }

    @Test
    void gallopFindsTheFirstColumnNotBelowTheKey() {
        // Keys near the start (within the walk) and far beyond it (the gallop), with and without a walk, in both
        // layouts' arrays.
        SplittableRandom rng = new SplittableRandom(5);
        for (int round = 0; round < ROUNDS; round++) {
            int n = rng.nextInt(round % 2 == 0 ? 64 : 400);
            int[] a = rng.ints(n, 0, 3 * n + 10).distinct().sorted().toArray();
            int from = a.length == 0 ? 0 : rng.nextInt(a.length + 1);
            int key = rng.nextInt(-1, 3 * n + 12);
            int expected = from;
            while (expected < a.length && a[expected] < key) {
                expected++;
            }
            int[] cells = SparseCells.allocate(a.length);
            char[] narrow = new char[a.length];
            for (int i = 0; i < a.length; i++) {
                SparseCells.setColumn(cells, i, a[i]);
                narrow[i] = (char) a[i];
            }
            for (int walk : new int[] {0, 1, SparseCells.WALK_CELLS}) {
                String what = "key " + key + " from " + from + " of " + a.length + ", walking " + walk;
                assertEquals(expected, SparseCells.gallop(cells, from, a.length, key, walk), what);
                assertEquals(expected, NarrowSparseRow.gallop(narrow, from, a.length, key, walk), what);
            }
        }
    }

    @Test
    void splicesLargerThanTheKeptRoomAndSmallOnesAfterThem() {
        // More new columns than a thread keeps room for get room of their own; the small splices after them
        // still use (and must not be confused by) the thread's room.
        SplittableRandom rng = new SplittableRandom(31);
        int cols = 2_000_000;
        for (int round = 0; round < 3; round++) {
            for (int size : new int[] {Splices.KEPT_CELLS + 10_000, 100}) {
                TreeMap<Integer, Double> stored = randomCells(rng, cols, 2 * size);
                TreeMap<Integer, Double> delta = randomCells(rng, cols, size);
                SparseRow row = toRow(cols, stored);
                row.addAll(toRow(cols, delta));
                delta.forEach((c, v) -> stored.merge(c, v, Double::sum));
                assertEquals(stored.size(), row.storedCells(), "stored cells");
                int i = 0;
                for (Map.Entry<Integer, Double> e : stored.entrySet()) {
                    // Messages built only on failure: a message per cell would cost more than the test.
                    int at = i++;
                    assertEquals(e.getKey(), row.columnAt(at), () -> "column at " + at);
                    assertEquals(e.getValue(), row.valueAt(at), () -> "value of column " + e.getKey());
                }
            }
        }
    }

    @Test
    void ofTakesSortedArraysAndAddsUpAnythingElse() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int round = 0; round < ROUNDS; round++) {
            int cols = (round / 2) % 2 == 0 ? 1 + rng.nextInt(50) : SparseRow.NARROW_MAX_COLS + 1 + rng.nextInt(50);
            int n = rng.nextInt(60);
            int[] columns = new int[n];
            double[] values = new double[n];
            TreeMap<Integer, Double> expected = new TreeMap<>();
            boolean sorted = round % 2 == 0;
            for (int i = 0; i < n; i++) {
                columns[i] = sorted ? (i == 0 ? 0 : columns[i - 1]) + rng.nextInt(3) : rng.nextInt(cols);
                values[i] = rng.nextInt(-3, 4);
            }
            if (sorted && n > 0 && columns[n - 1] >= cols) {
                continue; // ran off the row; the out-of-range case has its own test
            }
            for (int i = 0; i < n; i++) {
                expected.merge(columns[i], values[i], Double::sum);
            }
            SparseRow row = SparseRow.of(cols, columns.clone(), values.clone());
            assertCells(expected, row, "round " + round);
        }
    }

    @Test
    void ofRefusesColumnsOutsideTheRowWhereverTheyAre() {
        assertThrows(IndexOutOfBoundsException.class, () -> SparseRow.of(5, new int[] {1, 5}, new double[] {1, 1}));
        assertThrows(IndexOutOfBoundsException.class, () -> SparseRow.of(5, new int[] {-1, 2}, new double[] {1, 1}));
        assertThrows(IndexOutOfBoundsException.class,
                () -> SparseRow.of(5, new int[] {3, 2, 9}, new double[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> SparseRow.of(5, new int[] {1}, new double[] {}));
    }

    @Test
    void cellsReadByPositionAreTheStoredOnesInColumnOrder() {
        SparseRow row = SparseRow.of(10, new int[] {7, 2, 4}, new double[] {1, 0, 3});
        assertEquals(3, row.storedCells());
        assertEquals(2, row.columnAt(0));
        assertEquals(0.0, row.valueAt(0));
        assertEquals(7, row.columnAt(2));
        assertEquals(1.0, row.valueAt(2));
        assertThrows(IndexOutOfBoundsException.class, () -> row.columnAt(3));
        assertThrows(IndexOutOfBoundsException.class, () -> row.valueAt(-1));
    }

    private static void checkAdd(int cols, TreeMap<Integer, Double> stored, TreeMap<Integer, Double> delta,
                                 String what) {
        SparseRow row = toRow(cols, stored);
        SparseRow d = toRow(cols, delta);
        SparseRow deltaBefore = d.copy();
        row.addAll(d);
        TreeMap<Integer, Double> expected = new TreeMap<>(stored);
        delta.forEach((c, v) -> expected.merge(c, v, Double::sum));
        assertCells(expected, row, what + ": " + stored + " + " + delta);
        assertEquals(deltaBefore, d, what + ": the delta is left as it was");
        // Adding again once everything is stored: the in-place path.
        row.addAll(d);
        delta.forEach((c, v) -> expected.merge(c, v, Double::sum));
        assertCells(expected, row, what + ": twice");
    }

    /** Exactly the columns of {@code expected} are stored, in increasing order, with its values. */
    private static void assertCells(TreeMap<Integer, Double> expected, SparseRow row, String what) {
        assertEquals(expected.size(), row.storedCells(), what + ": stored cells");
        int i = 0;
        for (Map.Entry<Integer, Double> e : expected.entrySet()) {
            assertEquals(e.getKey(), row.columnAt(i), what + ": column at " + i);
            assertEquals(e.getValue(), row.valueAt(i), what + ": value of column " + e.getKey());
            assertEquals(e.getValue(), row.get(e.getKey()), what + ": get(" + e.getKey() + ")");
            i++;
        }
    }

    private static TreeMap<Integer, Double> delta(SplittableRandom rng, int cols, TreeMap<Integer, Double> stored,
                                                  Kind kind) {
        int k = rng.nextInt(Math.min(cols, 64) + 1);
        TreeMap<Integer, Double> delta = new TreeMap<>();
        Integer[] storedColumns = stored.keySet().toArray(new Integer[0]);
        boolean full = stored.size() == cols;
        for (int tries = 0; delta.size() < k && tries < 20 * k; tries++) {
            boolean pickStored = switch (kind) {
                case ALL_NEW -> false;
                case ALL_STORED -> true;
                case MIXED -> rng.nextBoolean();
                case ANY -> false;
            };
            int c;
            if (pickStored) {
                if (storedColumns.length == 0) {
                    break;
                }
                c = storedColumns[rng.nextInt(storedColumns.length)];
            } else {
                if (kind != Kind.ANY && full) {
                    break;
                }
                c = rng.nextInt(cols);
                if (kind != Kind.ANY && stored.containsKey(c)) {
                    continue;
                }
            }
            delta.put(c, (double) rng.nextInt(-5, 6));
        }
        return delta;
    }

    /**
     * A row width for round {@code round}: narrow ({@link NarrowSparseRow}: a few or a few thousand columns) in two
     * rounds of three, wide ({@link WideSparseRow}) in the third.
     */
    private static int width(SplittableRandom rng, int round) {
        return switch (round % 3) {
            case 0 -> 1 + rng.nextInt(40);
            case 1 -> 1 + rng.nextInt(5_000);
            default -> SparseRow.NARROW_MAX_COLS + 1 + rng.nextInt(5_000);
        };
    }

    private static TreeMap<Integer, Double> randomCells(SplittableRandom rng, int cols, int n) {
        TreeMap<Integer, Double> cells = new TreeMap<>();
        while (cells.size() < n) {
            cells.put(rng.nextInt(cols), (double) rng.nextInt(-5, 6));
        }
        return cells;
    }

    private static TreeMap<Integer, Double> cells(double... columnValuePairs) {
        TreeMap<Integer, Double> cells = new TreeMap<>();
        for (int i = 0; i < columnValuePairs.length; i += 2) {
            cells.put((int) columnValuePairs[i], columnValuePairs[i + 1]);
        }
        return cells;
    }

    private static SparseRow toRow(int cols, TreeMap<Integer, Double> cells) {
        int[] columns = new int[cells.size()];
        double[] values = new double[cells.size()];
        int i = 0;
        for (Map.Entry<Integer, Double> e : cells.entrySet()) {
            columns[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return SparseRow.of(cols, columns, values);
    }
}
