package org.petuum.ssp;

/**
 * The cells of one row, or an accumulated change to them: dense ({@link DenseRow}) or sparse
 * ({@link SparseRow}). Both support the same arithmetic, so callers never branch on the storage.
 *
 * <p>Not thread-safe. A row that has been handed to another component (installed in the process cache,
 * or sent) is treated as immutable by convention; mutate only rows you own.
 */
public abstract sealed class RowValues permits DenseRow, SparseRow {

    /** A zero row of the given storage and width. */
    public static RowValues zeros(TableSpec.Storage storage, int cols) {
        return storage == TableSpec.Storage.DENSE ? new DenseRow(cols) : SparseRow.empty(cols);
    }

    /** The width: column ids lie in {@code [0, cols())}. */
    public abstract int cols();

    /** The value of column {@code col} (0 where a sparse row stores nothing). */
    public abstract double get(int col);

    /** Adds {@code delta} to column {@code col}. */
    public abstract void add(int col, double delta);

    /** Adds every cell of {@code other} to this row; the widths must match. */
    public void addAll(RowValues other) {
        checkSameWidth(other);
        other.forEachNonZero(this::add);
    }

    /** Multiplies every cell by {@code factor}. */
    public abstract void scale(double factor);

    /** Visits every stored cell whose value is not zero, in no particular order for sparse rows. */
    public abstract void forEachNonZero(ColumnValueConsumer consumer);

    /** The number of stored cells (all columns for a dense row). */
    public abstract int storedCells();

    /** The largest absolute value of any cell; 0 for an empty row. */
    public abstract double maxAbs();

    /** A deep copy that shares nothing with this row. */
    public abstract RowValues copy();

    /** The row as a new dense array of {@link #cols()} doubles. */
    public double[] toArray() {
        double[] out = new double[cols()];
        forEachNonZero((c, v) -> out[c] = v);
        return out;
    }

    /** Whether this is a dense row. */
    public abstract boolean isDense();

    final void checkColumn(int col) {
        if (col < 0 || col >= cols()) {
            throw new IndexOutOfBoundsException("column " + col + " outside [0, " + cols() + ")");
        }
    }

    final void checkSameWidth(RowValues other) {
        if (other.cols() != cols()) {
            throw new IllegalArgumentException("row width mismatch: expected " + cols() + " columns but got " + other.cols());
        }
    }
}
