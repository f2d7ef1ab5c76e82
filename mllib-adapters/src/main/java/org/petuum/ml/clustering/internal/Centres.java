package org.petuum.ml.clustering.internal;

import java.io.Serializable;

/**
 * A set of dense centres with their norms, as the distance computations want them. Immutable once made (the
 * arrays are the caller's and must not change afterwards).
 */
public final class Centres implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[][] centres;
    private final double[] squaredNorms;
    private final double[] norms;

    public Centres(double[][] centres) {
        this.centres = centres;
        this.squaredNorms = new double[centres.length];
        this.norms = new double[centres.length];
        for (int c = 0; c < centres.length; c++) {
            double s = 0;
            for (double v : centres[c]) {
                s += v * v;
            }
            squaredNorms[c] = s;
            norms[c] = Math.sqrt(s);
        }
    }

    public int count() {
        return centres.length;
    }

    /** Centre {@code c}; the caller must not change it. */
    public double[] centre(int c) {
        return centres[c];
    }

    /** Every centre; the caller must not change them. */
    public double[][] all() {
        return centres;
    }

    public double squaredNorm(int c) {
        return squaredNorms[c];
    }

    public double norm(int c) {
        return norms[c];
    }

    /** The nearest centre to the dense point {@code x} (the lowest index among equals). */
    public int nearest(double[] x) {
        double nx = 0;
        for (double v : x) {
            nx += v * v;
        }
        double sqrtNx = Math.sqrt(nx);
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centres.length; c++) {
            double gap = sqrtNx - norms[c];
            if (gap * gap >= bestD) {
                continue;
            }
            double[] cc = centres[c];
            double dot = 0;
            for (int j = 0; j < x.length; j++) {
                dot += x[j] * cc[j];
            }
            double d = Math.max(nx + squaredNorms[c] - 2 * dot, 0);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    /** The largest squared distance any centre moved from {@code before} to this (same count and size). */
    public double largestSquaredMove(Centres before) {
        double worst = 0;
        for (int c = 0; c < centres.length; c++) {
            double s = 0;
            double[] a = centres[c];
            double[] b = before.centres[c];
            for (int j = 0; j < a.length; j++) {
                double d = a[j] - b[j];
                s += d * d;
            }
            worst = Math.max(worst, s);
        }
        return worst;
    }
}
