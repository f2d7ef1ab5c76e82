package org.petuum.ml.regression;

import java.io.Serializable;

/**
 * One row of a regression problem: a label and a sparse feature vector ({@code indices} 0-based, strictly
 * increasing, {@code values} aligned with them). The arrays are owned by the row and never changed.
 */
public record LabeledRow(double label, int[] indices, double[] values) implements Serializable {

    public LabeledRow {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices.length : " + indices.length + " (expected: values.length = "
                    + values.length + ")");
        }
    }

    /** A dense row: feature {@code j} is {@code features[j]}; zeros are left out. */
    public static LabeledRow dense(double label, double... features) {
        int nnz = 0;
        for (double v : features) {
            if (v != 0) {
                nnz++;
            }
        }
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        for (int j = 0, k = 0; j < features.length; j++) {
            if (features[j] != 0) {
                idx[k] = j;
                val[k++] = features[j];
            }
        }
        return new LabeledRow(label, idx, val);
    }
}
