package org.petuum.ssp;

/**
 * Copies of some rows of one table as a shard held them at one moment.
 *
 * @param tableId the table's id
 * @param version the shard's minimum worker clock when the copy was taken: every update of every clock
 *                below it is included
 * @param rows    the row ids
 * @param values  {@code values[i]} is row {@code rows[i]}; owned by the snapshot
 */
public record RowsSnapshot(int tableId, long version, int[] rows, RowValues[] values) {
    public RowsSnapshot {
        if (rows.length != values.length) {
            throw new IllegalArgumentException("rows and values differ in length: " + rows.length + " vs " + values.length);
        }
    }

    public int size() {
        return rows.length;
    }
}
