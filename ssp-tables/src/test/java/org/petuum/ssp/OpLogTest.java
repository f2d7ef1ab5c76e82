package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpLogTest {
    private static final TableRef DENSE = new TableRef(1, TableSpec.dense("weights", 10, 4));
    private static final TableRef SPARSE = new TableRef(2, TableSpec.sparse("counts", 10, 1_000));

    @Test
    void thousandIncrementsOfOneCellTravelAsOneUpdate() {
        OpLog log = new OpLog();
        for (int i = 0; i < 1000; i++) {
            log.inc(DENSE, 3, 2, 0.5);
        }
        assertEquals(1, log.size());
        List<RowUpdate> out = log.drain();
        assertEquals(1, out.size());
        RowUpdate u = out.get(0);
        assertEquals(1, u.tableId());
        assertEquals(3, u.row());
        assertArrayEquals(new double[] {0, 0, 500, 0}, u.delta().toArray());
    }

    @Test
    void denseArrayIncrementsAddUp() {
        OpLog log = new OpLog();
        log.inc(DENSE, 0, new double[] {1, 2, 3, 4});
        log.inc(DENSE, 0, new double[] {1, 0, -3, 0});
        log.inc(DENSE, 0, 1, 10);
        assertArrayEquals(new double[] {2, 12, 0, 4}, log.pending(1, 0).toArray());
        assertInstanceOf(DenseRow.class, log.pending(1, 0));
        assertEquals(1, log.size());
    }

    @Test
    void aDenseDeltaIsCopiedSoTheCallerMayReuseItsArray() {
        OpLog log = new OpLog();
        double[] delta = {1, 2, 3, 4};
        log.inc(DENSE, 0, delta);
        delta[0] = 100;
        log.inc(DENSE, 0, delta);
        assertArrayEquals(new double[] {101, 4, 6, 8}, log.pending(1, 0).toArray());
        assertArrayEquals(new double[] {100, 2, 3, 4}, delta, "the caller's array is not changed");
        assertEquals(DENSE, log.table(1));
        assertNull(log.table(2), "no change of table 2 was ever buffered");
    }

    @Test
    void sparseIncrementsCoalescePerRow() {
        OpLog log = new OpLog();
        log.inc(SPARSE, 5, new int[] {999, 7, 999}, new double[] {1, 2, 3});
        log.inc(SPARSE, 5, 7, 1);
        log.inc(SPARSE, 6, 0, 1);
        RowValues five = log.pending(2, 5);
        assertInstanceOf(SparseRow.class, five);
        assertEquals(4.0, five.get(999));
        assertEquals(3.0, five.get(7));
        assertEquals(2, five.storedCells());
        assertEquals(2, log.size());
    }

    @Test
    void denseArrayIntoASparseTableStoresOnlyNonZeroColumns() {
        TableRef narrowSparse = new TableRef(3, TableSpec.sparse("s", 2, 5));
        OpLog log = new OpLog();
        log.inc(narrowSparse, 1, new double[] {0, 2, 0, 0, -1});
        assertEquals(2, log.pending(3, 1).storedCells());
        assertArrayEquals(new double[] {0, 2, 0, 0, -1}, log.pending(3, 1).toArray());
    }

    @Test
    void tablesAreKeptApartAndDrainEmptiesTheLog() {
        OpLog log = new OpLog();
        log.inc(DENSE, 4, 0, 1);
        log.inc(SPARSE, 4, 0, 2);
        assertEquals(2, log.size());
        List<RowUpdate> out = log.drain();
        out.sort(Comparator.comparingInt(RowUpdate::tableId));
        assertEquals(1.0, out.get(0).delta().get(0));
        assertEquals(2.0, out.get(1).delta().get(0));
        assertTrue(log.isEmpty());
        assertEquals(0, log.size());
        assertNull(log.pending(1, 4));
        assertTrue(log.drain().isEmpty());
        log.inc(DENSE, 4, 0, 7);
        assertEquals(7.0, log.pending(1, 4).get(0), "a drained row starts again from zero");
    }

    @Test
    void pendingOfUntouchedRowOrTableIsNull() {
        OpLog log = new OpLog();
        log.inc(DENSE, 1, 1, 1);
        assertNull(log.pending(1, 2));
        assertNull(log.pending(99, 1));
    }

    @Test
    void outOfRangeCellNamesTableRowAndColumn() {
        OpLog log = new OpLog();
        assertEquals("table 'weights' row 3: column 4 outside [0, 4)",
                assertThrows(IndexOutOfBoundsException.class, () -> log.inc(DENSE, 3, 4, 1)).getMessage());
        assertEquals("table 'weights': row 10 outside [0, 10)",
                assertThrows(IndexOutOfBoundsException.class, () -> log.inc(DENSE, 10, 0, 1)).getMessage());
        assertEquals("table 'weights': row -1 outside [0, 10)",
                assertThrows(IndexOutOfBoundsException.class, () -> log.inc(DENSE, -1, new double[4])).getMessage());
        assertEquals("table 'counts' row 2: column 1000 outside [0, 1000)",
                assertThrows(IndexOutOfBoundsException.class,
                        () -> log.inc(SPARSE, 2, new int[] {1000}, new double[] {1})).getMessage());
        assertTrue(log.isEmpty());
    }

    @Test
    void wrongLengthDeltasNameTableAndRow() {
        OpLog log = new OpLog();
        assertEquals("table 'weights' row 2: delta has 3 columns, expected 4",
                assertThrows(IllegalArgumentException.class, () -> log.inc(DENSE, 2, new double[3])).getMessage());
        assertEquals("table 'counts' row 2: columns and values differ in length: 2 vs 1",
                assertThrows(IllegalArgumentException.class,
                        () -> log.inc(SPARSE, 2, new int[] {1, 2}, new double[] {1})).getMessage());
        assertTrue(log.isEmpty());
    }

    @Test
    void rejectedSparseIncrementChangesNothing() {
        OpLog log = new OpLog();
        log.inc(SPARSE, 2, 1, 5);
        assertThrows(IndexOutOfBoundsException.class,
                () -> log.inc(SPARSE, 2, new int[] {1, 3, -1}, new double[] {1, 1, 1}));
        assertThrows(IndexOutOfBoundsException.class,
                () -> log.inc(SPARSE, 3, new int[] {0, 1000}, new double[] {1, 1}));
        assertEquals(1, log.size(), "no row was opened by the rejected call");
        assertEquals(5.0, log.pending(2, 2).get(1));
        assertEquals(1, log.pending(2, 2).storedCells());
    }
}
