package org.petuum.ssp;

import java.util.Objects;

/**
 * An accumulated change to one row of one table, as a worker sends it at a clock.
 *
 * @param tableId the table's id
 * @param row     the row id
 * @param delta   what to add to the row
 */
public record RowUpdate(int tableId, int row, RowValues delta) {
    public RowUpdate {
        Objects.requireNonNull(delta, "delta");
    }
}
