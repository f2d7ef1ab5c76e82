package org.petuum.ml.regression;

/**
 * A tight single-machine Lasso solver by cyclic coordinate descent with a maintained residual: the reference the
 * scheduled solver is checked and benchmarked against. Sweeps until no single coordinate update could lower the
 * objective by more than {@code tolerance * F}, then once more to be sure.
 */
public final class LocalLassoSolver {

    /** The solution. */
    public record Solution(double[] beta, double objective, int sweeps, long updates) {
    }

    private LocalLassoSolver() {
    }

    /** Solves to a relative tolerance of {@code 1e-13} within 1,000,000 sweeps. */
    public static Solution solve(ColumnBlock x, double lambda) {
        return solve(x, lambda, 1e-13, 1_000_000);
    }

    public static Solution solve(ColumnBlock x, double lambda, double tolerance, int maxSweeps) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda : " + lambda + " (expected: >= 0 and finite)");
        }
        int n = x.rows();
        int d = x.cols();
        double[] c = new double[d];
        for (int j = 0; j < d; j++) {
            c[j] = x.normSquared(j) / n;
        }
        double[] beta = new double[d];
        double[] r = x.labels();
        double rr = 0;
        for (double v : r) {
            rr += v * v;
        }
        double f = rr / (2.0 * n);
        long updates = 0;
        int sweeps = 0;
        while (sweeps < maxSweeps) {
            sweeps++;
            double best = 0;
            double fell = 0;
            for (int j = 0; j < d; j++) {
                if (c[j] == 0) {
                    continue;
                }
                double g = x.dot(j, r) / n;
                double b1 = LassoMath.coordinateMinimiser(g, c[j], beta[j], lambda);
                updates++;
                if (b1 != beta[j]) {
                    double gain = LassoMath.decrease(g, c[j], beta[j], b1, lambda);
                    best = Math.max(best, gain);
                    fell += gain;
                    x.axpy(j, -(b1 - beta[j]), r);
                    beta[j] = b1;
                }
            }
            f -= fell;
            if (best <= tolerance * Math.max(Math.abs(f), Double.MIN_NORMAL)) {
                break;
            }
        }
        return new Solution(beta, LassoMath.objective(x, beta, lambda), sweeps, updates);
    }
}
