package org.petuum.ml.clustering.internal;

import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * The points of one worker's partition, packed once for the many passes a fit makes over them: dense rows in one
 * row-major array when the partition is mostly non-zero, else compressed sparse rows. Also keeps each point's
 * squared norm, for the distance bound {@code (|x| - |c|)^2 <= |x - c|^2} that lets a pass skip most centres.
 *
 * <p>Not thread-safe: owned by its worker's task thread.
 */
public final class PointBlock {
    /** Above this share of non-zeros a partition is stored dense. */
    private static final double DENSE_ABOVE = 0.25;

    private final int n;
    private final int dim;
    private final boolean dense;
    private final double[] values;   // dense: n * dim; sparse: the non-zeros
    private final int[] indices;     // sparse only
    private final int[] rowStart;    // sparse only: n + 1 offsets
    private final double[] norms;    // squared norms

    private PointBlock(int n, int dim, boolean dense, double[] values, int[] indices, int[] rowStart) {
        this.n = n;
        this.dim = dim;
        this.dense = dense;
        this.values = values;
        this.indices = indices;
        this.rowStart = rowStart;
        this.norms = new double[n];
        for (int i = 0; i < n; i++) {
            norms[i] = dotSelf(i);
        }
    }

    /** Packs every vector {@code it} yields; each must have {@code dim} elements (the fit checked it). */
    public static PointBlock pack(Iterator<Vector> it, int dim) {
        Vector[] rows = new Vector[16];
        int n = 0;
        long nnz = 0;
        while (it.hasNext()) {
            Vector v = it.next();
            if (v.size() != dim) {
                throw new IllegalArgumentException("a feature vector has " + v.size() + " elements (expected: "
                        + dim + ", as the other rows)");
            }
            if (n == rows.length) {
                rows = Arrays.copyOf(rows, n * 2);
            }
            rows[n++] = v;
            nnz += v instanceof SparseVector s ? s.indices().length : dim;
        }
        if (n > 0 && nnz > DENSE_ABOVE * n * (double) dim) {
            if ((long) n * dim > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a partition of " + n + " dense points of " + dim
                        + " elements does not fit one array; use more workers");
            }
            double[] values = new double[n * dim];
            for (int i = 0; i < n; i++) {
                copyDense(rows[i], values, i * dim);
                rows[i] = null;
            }
            return new PointBlock(n, dim, true, values, null, null);
        }
        if (nnz > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a partition with " + nnz + " non-zeros does not fit one array; "
                    + "use more workers");
        }
        int[] start = new int[n + 1];
        int[] idx = new int[(int) nnz];
        double[] val = new double[(int) nnz];
        int p = 0;
        for (int i = 0; i < n; i++) {
            start[i] = p;
            Vector v = rows[i];
            if (v instanceof SparseVector s) {
                int[] si = s.indices();
                double[] sv = s.values();
                System.arraycopy(si, 0, idx, p, si.length);
                System.arraycopy(sv, 0, val, p, sv.length);
                p += si.length;
            } else {
                double[] dv = v.toArray();
                for (int j = 0; j < dim; j++) {
                    idx[p] = j;
                    val[p++] = dv[j];
                }
            }
            rows[i] = null;
        }
        start[n] = p;
        return new PointBlock(n, dim, false, val, idx, start);
    }

    private static void copyDense(Vector v, double[] into, int offset) {
        if (v instanceof DenseVector d) {
            System.arraycopy(d.values(), 0, into, offset, d.size());
        } else {
            SparseVector s = (SparseVector) v;
            int[] si = s.indices();
            double[] sv = s.values();
            for (int j = 0; j < si.length; j++) {
                into[offset + si[j]] = sv[j];
            }
        }
    }

    public int size() {
        return n;
    }

    public int dim() {
        return dim;
    }

    /** Point {@code i}'s squared norm. */
    public double squaredNorm(int i) {
        return norms[i];
    }

    /** Point {@code i} as a new dense array. */
    public double[] toArray(int i) {
        double[] out = new double[dim];
        if (dense) {
            System.arraycopy(values, i * dim, out, 0, dim);
        } else {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                out[indices[p]] = values[p];
            }
        }
        return out;
    }

    /** The inner product of point {@code i} with the dense array {@code c}. */
    public double dot(int i, double[] c) {
        if (dense) {
            int off = i * dim;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            // Four independent sums: the additions of one sum wait for each other, those of four do not.
            for (; j + 3 < dim; j += 4) {
                s0 += values[off + j] * c[j];
                s1 += values[off + j + 1] * c[j + 1];
                s2 += values[off + j + 2] * c[j + 2];
                s3 += values[off + j + 3] * c[j + 3];
            }
            for (; j < dim; j++) {
                s0 += values[off + j] * c[j];
            }
            return (s0 + s1) + (s2 + s3);
        }
        double s = 0;
        for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
            s += values[p] * c[indices[p]];
        }
        return s;
    }

    /** Adds point {@code i} to the first {@code dim} elements of {@code sum}. */
    public void addTo(int i, double[] sum) {
        if (dense) {
            int off = i * dim;
            for (int j = 0; j < dim; j++) {
                sum[j] += values[off + j];
            }
        } else {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                sum[indices[p]] += values[p];
            }
        }
    }

    /**
     * The squared distance from point {@code i} to centre {@code c} of {@code centres}, or {@code bound} when it
     * cannot be smaller than {@code bound} (the norm bound rules it out without an inner product).
     */
    public double squaredDistance(int i, Centres centres, int c, double bound) {
        double nx = Math.sqrt(norms[i]);
        double gap = nx - centres.norm(c);
        if (gap * gap >= bound) {
            return bound;
        }
        double d = norms[i] + centres.squaredNorm(c) - 2 * dot(i, centres.centre(c));
        return Math.max(d, 0);
    }

    /**
     * The nearest centre of point {@code i} (the lowest index among equals) and its squared distance, returned
     * as the index; the distance is written to {@code distance[0]}.
     */
    public int nearest(int i, Centres centres, double[] distance) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centres.count(); c++) {
            double d = squaredDistance(i, centres, c, bestD);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        distance[0] = bestD;
        return best;
    }

    private double dotSelf(int i) {
        double s = 0;
        if (dense) {
            int off = i * dim;
            for (int j = 0; j < dim; j++) {
                s += values[off + j] * values[off + j];
            }
        } else {
            for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                s += values[p] * values[p];
            }
        }
        return s;
    }
}
