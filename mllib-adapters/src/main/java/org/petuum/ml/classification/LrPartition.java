package org.petuum.ml.classification;

import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * One worker's training rows, held in its task as compressed sparse rows of scaled features (value × scale; zeros
 * and constant features dropped) and integer labels. Built once per fit from the partition's iterator, then read
 * every clock. Not thread-safe: owned by its worker's task thread.
 */
final class LrPartition {
    final int[] start;
    final int[] index;
    final double[] value;
    final int[] label;
    final int size;

    private LrPartition(int[] start, int[] index, double[] value, int[] label, int size) {
        this.start = start;
        this.index = index;
        this.value = value;
        this.label = label;
        this.size = size;
    }

    /** Reads {@code (features, label)} rows, checked already by {@link LrDataSummary}. */
    static LrPartition load(Iterator<Row> rows, double[] scale) {
        int[] start = new int[1024];
        int[] label = new int[1024];
        int[] index = new int[8192];
        double[] value = new double[8192];
        int n = 0;
        int nnz = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            Vector v = (Vector) row.get(0);
            if (n + 1 >= start.length) {
                start = Arrays.copyOf(start, start.length * 2);
                label = Arrays.copyOf(label, label.length * 2);
            }
            int need = nnz + (v instanceof SparseVector sv ? sv.indices().length : v.size());
            if (need > index.length) {
                int cap = Math.max(need, index.length * 2);
                index = Arrays.copyOf(index, cap);
                value = Arrays.copyOf(value, cap);
            }
            start[n] = nnz;
            label[n] = (int) ((Number) row.get(1)).doubleValue();
            if (v instanceof SparseVector sv) {
                int[] idx = sv.indices();
                double[] val = sv.values();
                for (int i = 0; i < idx.length; i++) {
                    double x = val[i] * scale[idx[i]];
                    if (x != 0) {
                        index[nnz] = idx[i];
                        value[nnz++] = x;
                    }
                }
            } else {
                double[] val = ((DenseVector) v).values();
                for (int j = 0; j < val.length; j++) {
                    double x = val[j] * scale[j];
                    if (x != 0) {
                        index[nnz] = j;
                        value[nnz++] = x;
                    }
                }
            }
            n++;
        }
        start[n] = nnz;
        return new LrPartition(start, index, value, label, n);
    }
}
