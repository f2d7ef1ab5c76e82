package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableSpecTest {

    @Test
    void denseSpecStartsAsBsp() {
        TableSpec t = TableSpec.dense("item-factors", 100, 8);
        assertEquals("item-factors", t.name());
        assertEquals(TableSpec.Storage.DENSE, t.storage());
        assertEquals(100, t.rows());
        assertEquals(8, t.cols());
        assertEquals(Consistency.bsp(), t.consistency());
    }

    @Test
    void stalenessReturnsANewSpecAndLeavesTheOriginal() {
        TableSpec bsp = TableSpec.sparse("words", 10, 50_000);
        TableSpec ssp = bsp.staleness(2);
        assertEquals(Consistency.ssp(2), ssp.consistency());
        assertEquals(Consistency.bsp(), bsp.consistency());
        assertNotEquals(bsp, ssp);
        assertEquals(ssp, TableSpec.sparse("words", 10, 50_000).consistency(Consistency.parse("SSP(2)")));
        assertEquals(ssp.hashCode(), TableSpec.sparse("words", 10, 50_000).staleness(2).hashCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "-x", "has space", "slash/name", "ünïcode"})
    void invalidNameIsRejectedNamingItAndTheRule(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableSpec.dense(name, 1, 1));
        assertTrue(e.getMessage().startsWith("table name : '" + name + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected: 1 to 128 characters of [A-Za-z0-9._-]"), e.getMessage());
    }

    @Test
    void nameLengthLimitIsInclusive() {
        assertEquals(128, TableSpec.dense("a".repeat(128), 1, 1).name().length());
        assertThrows(IllegalArgumentException.class, () -> TableSpec.dense("a".repeat(129), 1, 1));
    }

    @Test
    void nullNameIsRejected() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> TableSpec.dense(null, 1, 1));
        assertEquals("name", e.getMessage());
    }

    @Test
    void nonPositiveShapeNamesTheKey() {
        assertEquals("rows : 0 (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> TableSpec.dense("t", 0, 4)).getMessage());
        assertEquals("cols : -3 (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> TableSpec.sparse("t", 4, -3)).getMessage());
    }

    @Test
    void invalidStalenessNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableSpec.dense("t", 1, 1).staleness(-1));
        assertTrue(e.getMessage().startsWith("staleness : -1"), e.getMessage());
    }

    @Test
    void checkCellNamesTableRowAndColumn() {
        TableSpec t = TableSpec.dense("weights", 10, 4);
        t.checkCell(9, 3);
        IndexOutOfBoundsException col = assertThrows(IndexOutOfBoundsException.class, () -> t.checkCell(2, 4));
        assertEquals("table 'weights' row 2: column 4 outside [0, 4)", col.getMessage());
        IndexOutOfBoundsException row = assertThrows(IndexOutOfBoundsException.class, () -> t.checkCell(10, 0));
        assertEquals("table 'weights': row 10 outside [0, 10)", row.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> t.checkRow(-1));
    }

    @Test
    void zeroRowMatchesStorageAndWidth() {
        RowValues d = TableSpec.dense("d", 1, 5).zeroRow();
        assertInstanceOf(DenseRow.class, d);
        assertEquals(5, d.cols());
        RowValues s = TableSpec.sparse("s", 1, 5).zeroRow();
        assertInstanceOf(SparseRow.class, s);
        assertEquals(5, s.cols());
        assertEquals(0, s.storedCells());
    }

    @Test
    void specsDifferingInStorageAreNotEqual() {
        assertFalse(TableSpec.dense("t", 2, 2).equals(TableSpec.sparse("t", 2, 2)));
    }

    @Test
    void tableRefRejectsNegativeIdAndExposesTheName() {
        TableSpec spec = TableSpec.dense("t", 2, 2);
        assertEquals("t", new TableRef(3, spec).name());
        assertEquals("table id : -1 (expected: >= 0)",
                assertThrows(IllegalArgumentException.class, () -> new TableRef(-1, spec)).getMessage());
        assertThrows(NullPointerException.class, () -> new TableRef(0, null));
    }

    @Test
    void specSurvivesJavaSerialization() throws Exception {
        TableSpec t = TableSpec.sparse("docs", 7, 9).staleness(3);
        assertEquals(t, ConsistencyTest.roundTrip(t));
    }

    @Test
    void denseRowsWiderThanTheBoundAreRefusedPointingToSparseTables() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TableSpec.dense("wide", 1, (1 << 24) + 1));
        assertTrue(e.getMessage().contains("cols : 16777217") && e.getMessage().contains("sparse"), e.getMessage());
        assertEquals(1 << 30, TableSpec.sparse("wide", 1, 1 << 30).cols());
    }
}
