package org.petuum.ml.regression;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Rows of a regression problem stored by column (compressed sparse columns), the layout coordinate descent
 * reads: one column's entries are contiguous. Holds the labels too. Immutable after construction.
 */
public final class ColumnBlock {
    private final int rows;
    private final int cols;
    private final int[] start;
    private final int[] rowIndex;
    private final double[] value;
    private final double[] labels;

    private ColumnBlock(int rows, int cols, int[] start, int[] rowIndex, double[] value, double[] labels) {
        this.rows = rows;
        this.cols = cols;
        this.start = start;
        this.rowIndex = rowIndex;
        this.value = value;
        this.labels = labels;
    }

    /**
     * The rows, by column.
     *
     * @throws IllegalArgumentException if a row has an index outside {@code [0, cols)}, indices out of order, or a
     *     value or label that is NaN or infinite (naming the row)
     */
    public static ColumnBlock of(List<LabeledRow> rows, int cols) {
        return of(rows.iterator(), rows.size(), cols);
    }

    static ColumnBlock of(Iterator<LabeledRow> it, int expectedRows, int cols) {
        if (cols < 1) {
            throw new IllegalArgumentException("cols : " + cols + " (expected: >= 1)");
        }
        List<LabeledRow> list = new ArrayList<>(Math.max(expectedRows, 0));
        int[] count = new int[cols + 1];
        while (it.hasNext()) {
            LabeledRow r = it.next();
            int at = list.size();
            if (!Double.isFinite(r.label())) {
                throw new IllegalArgumentException("row " + at + ": label is " + r.label() + " (expected: finite)");
            }
            int prev = -1;
            for (int k = 0; k < r.indices().length; k++) {
                int j = r.indices()[k];
                if (j <= prev || j >= cols) {
                    throw new IllegalArgumentException("row " + at + ": feature index " + j + " (expected: increasing, "
                            + "in [0, " + cols + "))");
                }
                if (!Double.isFinite(r.values()[k])) {
                    throw new IllegalArgumentException("row " + at + ": feature " + j + " is " + r.values()[k]
                            + " (expected: finite)");
                }
                prev = j;
                count[j + 1]++;
            }
            list.add(r);
        }
        for (int j = 0; j < cols; j++) {
            count[j + 1] += count[j];
        }
        int[] start = count.clone();
        int[] fill = count.clone();
        int nnz = count[cols];
        int[] rowIndex = new int[nnz];
        double[] value = new double[nnz];
        double[] labels = new double[list.size()];
        for (int i = 0; i < list.size(); i++) {
            LabeledRow r = list.get(i);
            labels[i] = r.label();
            for (int k = 0; k < r.indices().length; k++) {
                int at = fill[r.indices()[k]]++;
                rowIndex[at] = i;
                value[at] = r.values()[k];
            }
        }
        return new ColumnBlock(list.size(), cols, start, rowIndex, value, labels);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The labels, a new array. */
    public double[] labels() {
        return labels.clone();
    }

    /** {@code x_j . v}. */
    public double dot(int j, double[] v) {
        double s = 0;
        for (int k = start[j]; k < start[j + 1]; k++) {
            s += value[k] * v[rowIndex[k]];
        }
        return s;
    }

    /** {@code v += alpha * x_j}. */
    public void axpy(int j, double alpha, double[] v) {
        for (int k = start[j]; k < start[j + 1]; k++) {
            v[rowIndex[k]] += alpha * value[k];
        }
    }

    /** {@code sum_i x_ij}. */
    public double sum(int j) {
        double s = 0;
        for (int k = start[j]; k < start[j + 1]; k++) {
            s += value[k];
        }
        return s;
    }

    /** {@code ||x_j||^2}. */
    public double normSquared(int j) {
        double s = 0;
        for (int k = start[j]; k < start[j + 1]; k++) {
            s += value[k] * value[k];
        }
        return s;
    }

    /**
     * The Gram entries {@code x_a . x_b} of every pair {@code a < b} of {@code columns}, in the order
     * (0,1), (0,2) ... (0,m-1), (1,2) ..., written into {@code out} from {@code offset}. {@code scratch} has
     * {@link #rows()} zeros and is left so.
     */
    public void pairwiseDots(int[] columns, double[] out, int offset, double[] scratch) {
        int m = columns.length;
        int at = offset;
        for (int a = 0; a < m; a++) {
            int ja = columns[a];
            for (int k = start[ja]; k < start[ja + 1]; k++) {
                scratch[rowIndex[k]] = value[k];
            }
            for (int b = a + 1; b < m; b++) {
                out[at++] = dot(columns[b], scratch);
            }
            for (int k = start[ja]; k < start[ja + 1]; k++) {
                scratch[rowIndex[k]] = 0;
            }
        }
    }

    /** The index of pair {@code (a, b)}, {@code a < b < m}, in the order of {@link #pairwiseDots}. */
    public static int pairIndex(int a, int b, int m) {
        return a * (2 * m - a - 1) / 2 + (b - a - 1);
    }
}
