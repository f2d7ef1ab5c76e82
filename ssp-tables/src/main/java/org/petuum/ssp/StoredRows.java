package org.petuum.ssp;

/**
 * The rows one shard stores of one table: a row no update or put touched is absent (it reads as zeros and is not
 * counted). Two layouts: {@link RowMap}, one row object per stored row in a hash map (sparse tables and wide dense
 * ones), and {@link RowBlocks}, the rows of a narrow dense table packed 64 to an array, which saves the per-row
 * object, array header and map slot that a narrow row cannot absorb.
 *
 * <p>Which rows a caller may change: only through {@link #add}, {@link #update} and {@link #put}. A row returned by
 * {@link #get} must not be changed (it may be the stored row itself).
 *
 * <p>Not thread-safe: owned by one {@link ShardTables} (or, as a copy, by one {@link OptimizerShadows} or one
 * checkpoint image in the making).
 */
interface StoredRows {

    /**
     * Empty storage for a table on shard {@code shardIndex} of {@code numShards}: blocks for a dense table narrower
     * than {@link ShardTables#LEND_FROM_COLUMNS}, a map otherwise.
     */
    static StoredRows of(TableSpec spec, int shardIndex, int numShards) {
        if (spec.storage() == TableSpec.Storage.DENSE && spec.cols() < ShardTables.LEND_FROM_COLUMNS) {
            return new RowBlocks(spec.cols(), shardIndex, numShards);
        }
        return new RowMap(spec);
    }

    /** A change made to a row in place: one optimizer step, say. */
    @FunctionalInterface
    interface Change {
        /** Changes {@code row} in place; returns what the caller of {@link StoredRows#update} is to get back. */
        RowValues applyTo(RowValues row);
    }

    /**
     * The stored row, or {@code null} if it was never written. The caller must not change it: a map gives its stored
     * row itself, blocks a copy.
     */
    RowValues get(int row);

    /**
     * The stored row, or {@code null} if it was never written, to look at now: it may change at the next call on
     * this storage (blocks give one reused row), and the caller must neither keep nor change it. For sizing a row
     * without a copy.
     */
    RowValues peek(int row);

    /**
     * The row as it is now, which this storage will never change (zeros if it was never written): a wide dense row
     * of a map itself, lent until its next change (which goes to a copy), any other row a copy. The caller must not
     * change it either.
     */
    RowValues snapshot(int row);

    /** Adds {@code delta} (of the table's width) to a row, which is stored from now on (from zeros if it was not). */
    void add(int row, RowValues delta);

    /**
     * Runs {@code change} on a row that is stored from now on (zeros if it was not) and keeps what it did to it.
     *
     * @return what {@code change} returned
     */
    RowValues update(int row, Change change);

    /** Sets a row to the cells of {@code value} (of the table's width), which is not kept or changed. */
    void put(int row, RowValues value);

    /** The number of stored rows. */
    int size();

    /** The ids, ascending, of the stored rows in {@code [fromRow, toRow)}. */
    int[] ids(int fromRow, int toRow);

    /** A copy that shares no cells with this one: it and this one change independently from here on. */
    StoredRows copy();

    /** The cells of the stored rows: every column of a dense row, the stored cells of a sparse one. */
    long cells();

    /** The heap these rows take, as {@link ShardStorage} estimates it. */
    long estimatedBytes();
}
