package org.petuum.ssp;

/** Receives the (column, value) pairs of a row. */
@FunctionalInterface
public interface ColumnValueConsumer {
    void accept(int col, double value);
}
