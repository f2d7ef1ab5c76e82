package org.petuum.ssp;

import java.util.Arrays;

/** A row that stores every column in one array. See {@link RowValues} for the threading contract. */
public final class DenseRow extends RowValues {
    private final double[] values;

    /** A zero row of {@code cols} columns. */
    public DenseRow(int cols) {
        this.values = new double[cols];
    }

    /** Wraps {@code values} without copying: the caller hands over ownership. */
    public static DenseRow wrap(double[] values) {
        return new DenseRow(values);
    }

    /**
     * A new row holding a copy of {@code values}, made in one pass: cheaper than a zero row plus
     * {@link #addArray} when a row's first change is a whole dense delta.
     */
    public static DenseRow copyOf(double[] values) {
        return new DenseRow(values.clone());
    }

    private DenseRow(double[] values) {
        this.values = values;
    }

    /** The backing array itself (not a copy): for codecs and hot loops that own this row. */
    public double[] array() {
        return values;
    }

    @Override
    public int cols() {
        return values.length;
    }

    @Override
    public double get(int col) {
        return values[col];
    }

    @Override
    public void add(int col, double delta) {
        checkColumn(col);
        values[col] += delta;
    }

    /** Adds {@code delta} element-wise; {@code delta.length} must equal {@link #cols()}. */
    public void addArray(double[] delta) {
        if (delta.length != values.length) {
            throw new IllegalArgumentException(
                    "row width mismatch: expected " + values.length + " columns but got " + delta.length);
        }
        for (int i = 0; i < delta.length; i++) {
            values[i] += delta[i];
        }
    }

    @Override
    public void addAll(RowValues other) {
        if (other instanceof DenseRow d) {
            addArray(d.values);
        } else {
            super.addAll(other);
        }
    }

    @Override
    public void scale(double factor) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= factor;
        }
    }

    @Override
    public void forEachNonZero(ColumnValueConsumer consumer) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0.0) {
                consumer.accept(i, values[i]);
            }
        }
    }

    @Override
    public int storedCells() {
        return values.length;
    }

    @Override
    public double maxAbs() {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Override
    public DenseRow copy() {
        return new DenseRow(values.clone());
    }

    @Override
    public double[] toArray() {
        return values.clone();
    }

    @Override
    public boolean isDense() {
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DenseRow d && Arrays.equals(d.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "DenseRow" + Arrays.toString(values);
    }
}
