package org.petuum.ssp;

import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a table is: its name, whether rows are dense or sparse, its shape, its consistency model and how its
 * shards apply updates ({@link UpdateRule}: plain addition unless told otherwise).
 *
 * <p>Immutable; the {@code with…} style methods return a new spec. Validation happens in the factory
 * methods, so a spec that exists is valid.
 */
public final class TableSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The widest dense row: 2^24 doubles (128 MiB), a bound on what one row can make a shard allocate. */
    public static final int MAX_DENSE_COLS = 1 << 24;

    /** Longest accepted table name, in characters. */
    public static final int MAX_NAME_LENGTH = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** How the cells of one row are stored. */
    public enum Storage {
        /** Every column present: a row is an array of {@code cols} doubles. */
        DENSE,
        /** Only non-zero columns stored: for wide rows touched at few columns. */
        SPARSE
    }

    private final String name;
    private final Storage storage;
    private final int rows;
    private final int cols;
    private final Consistency consistency;
    private final UpdateRule updateRule;

    private TableSpec(String name, Storage storage, int rows, int cols, Consistency consistency,
                      UpdateRule updateRule) {
        this.name = checkName(name);
        this.storage = Objects.requireNonNull(storage, "storage");
        this.rows = checkPositive("rows", rows);
        this.cols = checkPositive("cols", cols);
        this.consistency = Objects.requireNonNull(consistency, "consistency");
        this.updateRule = Objects.requireNonNull(updateRule, "updateRule");
        if (storage == Storage.DENSE && cols > MAX_DENSE_COLS) {
            throw new IllegalArgumentException("cols : " + cols + " (expected: <= " + MAX_DENSE_COLS
                    + " for a dense table; use a sparse table for wider rows)");
        }
    }

    /** A table of {@code rows} dense rows of {@code cols} doubles, BSP until told otherwise. */
    public static TableSpec dense(String name, int rows, int cols) {
        return new TableSpec(name, Storage.DENSE, rows, cols, Consistency.bsp(), UpdateRule.add());
    }

    /** A table of {@code rows} sparse rows with column ids in {@code [0, cols)}, BSP until told otherwise. */
    public static TableSpec sparse(String name, int rows, int cols) {
        return new TableSpec(name, Storage.SPARSE, rows, cols, Consistency.bsp(), UpdateRule.add());
    }

    /** This spec under {@code SSP(s)} ({@code s = 0} is BSP). */
    public TableSpec staleness(int s) {
        return consistency(Consistency.ssp(s));
    }

    /** This spec under another consistency model. */
    public TableSpec consistency(Consistency c) {
        return new TableSpec(name, storage, rows, cols, c, updateRule);
    }

    /**
     * This spec with another update rule: with an optimizer ({@link UpdateRule#adaGrad}, {@link UpdateRule#adam})
     * the increments workers push are gradients, and the shards step the values with state of their own.
     */
    public TableSpec updateRule(UpdateRule rule) {
        return new TableSpec(name, storage, rows, cols, consistency, rule);
    }

    public String name() {
        return name;
    }

    public Storage storage() {
        return storage;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public Consistency consistency() {
        return consistency;
    }

    /** How shards apply updates; {@link UpdateRule#add()} unless set. */
    public UpdateRule updateRule() {
        return updateRule;
    }

    /** A zero row of this table's storage and width. */
    public RowValues zeroRow() {
        return RowValues.zeros(storage, cols);
    }

    /**
     * Checks that {@code row} and {@code col} are inside this table.
     *
     * @throws IndexOutOfBoundsException naming the table, the index and the allowed range
     */
    public void checkCell(int row, int col) {
        checkRow(row);
        if (col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException(
                    "table '" + name + "' row " + row + ": column " + col + " outside [0, " + cols + ")");
        }
    }

    /** @throws IndexOutOfBoundsException naming the table, the row and the allowed range */
    public void checkRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("table '" + name + "': row " + row + " outside [0, " + rows + ")");
        }
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("table name : '" + name + "' (expected: 1 to " + MAX_NAME_LENGTH
                    + " characters of [A-Za-z0-9._-], starting with a letter or digit)");
        }
        return name;
    }

    private static int checkPositive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " : " + value + " (expected: > 0)");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSpec t && t.name.equals(name) && t.storage == storage && t.rows == rows
                && t.cols == cols && t.consistency.equals(consistency) && t.updateRule.equals(updateRule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, storage, rows, cols, consistency, updateRule);
    }

    @Override
    public String toString() {
        return "TableSpec{name=" + name + ", storage=" + storage + ", rows=" + rows + ", cols=" + cols
                + ", consistency=" + consistency + ", updateRule=" + updateRule + "}";
    }
}
