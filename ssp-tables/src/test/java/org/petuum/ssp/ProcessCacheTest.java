package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ProcessCacheTest {

    private static CachedRow row(long version, long fetchSeq, double value) {
        return new CachedRow(version, fetchSeq, DenseRow.wrap(new double[] {value}));
    }

    @Test
    void installedRowIsReturned() {
        ProcessCache cache = new ProcessCache();
        assertNull(cache.get(1, 4));
        CachedRow r = row(2, 10, 1);
        cache.install(1, 4, r);
        assertSame(r, cache.get(1, 4));
        assertEquals(1, cache.size());
    }

    @Test
    void rowFetchedEarlierNeverReplacesOneFetchedLater() {
        ProcessCache cache = new ProcessCache();
        CachedRow later = row(3, 10, 1);
        cache.install(1, 4, later);
        cache.install(1, 4, row(5, 9, 2));
        assertSame(later, cache.get(1, 4), "an overtaken answer must not roll the row back");
        cache.install(1, 4, row(2, 10, 3));
        assertSame(later, cache.get(1, 4), "of two rows up to the same request, the lower version is not kept");
        CachedRow pushed = row(5, 10, 3);
        cache.install(1, 4, pushed);
        assertSame(pushed, cache.get(1, 4), "a push up to the same request with a larger version replaces it");
        CachedRow newer = row(5, 11, 4);
        cache.install(1, 4, newer);
        assertSame(newer, cache.get(1, 4));
    }

    @Test
    void rowsOfDifferentTablesAndIdsAreKeptApart() {
        ProcessCache cache = new ProcessCache();
        cache.install(1, 0, row(0, 1, 10));
        cache.install(0, 1, row(0, 2, 20));
        cache.install(1, Integer.MAX_VALUE, row(0, 3, 30));
        cache.install(2, Integer.MAX_VALUE, row(0, 4, 40));
        assertEquals(10.0, cache.get(1, 0).values().get(0));
        assertEquals(20.0, cache.get(0, 1).values().get(0));
        assertEquals(30.0, cache.get(1, Integer.MAX_VALUE).values().get(0));
        assertEquals(40.0, cache.get(2, Integer.MAX_VALUE).values().get(0));
        assertEquals(4, cache.size());
    }

    @Test
    void invalidateTableForgetsOnlyThatTable() {
        ProcessCache cache = new ProcessCache();
        cache.install(1, 0, row(0, 1, 1));
        cache.install(1, 7, row(0, 2, 1));
        cache.install(2, 0, row(0, 3, 1));
        cache.invalidateTable(1);
        assertNull(cache.get(1, 0));
        assertNull(cache.get(1, 7));
        assertEquals(1, cache.size());
        cache.install(1, 0, row(0, 0, 5));
        assertEquals(5.0, cache.get(1, 0).values().get(0), "after invalidation any fetch is accepted again");
        cache.clear();
        assertEquals(0, cache.size());
    }
}
