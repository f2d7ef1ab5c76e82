package org.petuum.ssp;

import java.util.List;
import java.util.Objects;

/**
 * One shard's tables as they stood at a clock boundary: every update of every worker's clocks below
 * {@code clock} and none of the later ones.
 *
 * @param clock      the boundary
 * @param shardIndex the shard that took it
 * @param numShards  the layout it belongs to
 * @param tables     the shard's part of every table
 */
public record CheckpointImage(int clock, int shardIndex, int numShards, List<TableImage> tables) {
    public CheckpointImage {
        tables = List.copyOf(tables);
    }

    /**
     * The rows of one table that a shard holds (rows never written are absent: they are zero).
     *
     * @param table  the table
     * @param rows   row ids
     * @param values    {@code values[i]} is row {@code rows[i]}
     * @param optimizer the optimizer state at the same boundary (a copy owned by the image), or {@code null} for a
     *                  table that adds its updates, or one read from an image written without it
     */
    public record TableImage(TableRef table, int[] rows, RowValues[] values, OptimizerState optimizer) {
        public TableImage {
            Objects.requireNonNull(table, "table");
            if (rows.length != values.length) {
                throw new IllegalArgumentException("rows and values differ in length: " + rows.length + " vs "
                        + values.length);
            }
            if (optimizer != null && table.spec().updateRule().isAdd()) {
                throw new IllegalArgumentException("table '" + table.name() + "' adds its updates: no optimizer state");
            }
        }

        /** An image without optimizer state. */
        public TableImage(TableRef table, int[] rows, RowValues[] values) {
            this(table, rows, values, null);
        }
    }

    /** The number of stored cells over all tables (a measure of its size). */
    public long cells() {
        long n = 0;
        for (TableImage t : tables) {
            for (RowValues v : t.values()) {
                n += v.storedCells();
            }
        }
        return n;
    }
}
