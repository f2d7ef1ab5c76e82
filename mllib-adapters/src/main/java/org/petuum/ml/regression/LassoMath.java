package org.petuum.ml.regression;

/**
 * The Lasso of this package: minimise {@code F(beta) = ||y - X beta||^2 / (2n) + lambda ||beta||_1} (no intercept;
 * the scaling of glmnet and of Spark MLlib's {@code LinearRegression} with {@code elasticNetParam = 1}).
 */
public final class LassoMath {
    private LassoMath() {
    }

    /** {@code S(z, t) = sign(z) max(|z| - t, 0)}. */
    public static double softThreshold(double z, double t) {
        if (z > t) {
            return z - t;
        }
        if (z < -t) {
            return z + t;
        }
        return 0;
    }

    /**
     * The exact minimiser over coordinate {@code j} alone, given {@code g = x_j . r / n} at the current residual
     * {@code r}, {@code c = ||x_j||^2 / n > 0} and the current value {@code b}.
     */
    public static double coordinateMinimiser(double g, double c, double b, double lambda) {
        return softThreshold(g + c * b, lambda) / c;
    }

    /**
     * How much {@code F} falls when coordinate {@code j} moves from {@code b0} to {@code b1}, given {@code g} and
     * {@code c} as in {@link #coordinateMinimiser}: the one-dimensional objective is
     * {@code c/2 t^2 - (g + c b0) t + lambda |t|} up to a constant.
     */
    public static double decrease(double g, double c, double b0, double b1, double lambda) {
        double z = g + c * b0;
        return (c / 2 * b0 * b0 - z * b0 + lambda * Math.abs(b0)) - (c / 2 * b1 * b1 - z * b1 + lambda * Math.abs(b1));
    }

    /** {@code F(beta)} given the residual's squared norm. */
    public static double objective(double residualSquared, int n, double[] beta, double lambda) {
        double l1 = 0;
        for (double b : beta) {
            l1 += Math.abs(b);
        }
        return residualSquared / (2.0 * n) + lambda * l1;
    }

    /** {@code F(beta)} computed from the data. */
    public static double objective(ColumnBlock x, double[] beta, double lambda) {
        double[] r = x.labels();
        for (int j = 0; j < beta.length; j++) {
            if (beta[j] != 0) {
                x.axpy(j, -beta[j], r);
            }
        }
        double rr = 0;
        for (double v : r) {
            rr += v * v;
        }
        return objective(rr, x.rows(), beta, lambda);
    }

    /**
     * The largest violation of the Lasso's optimality (KKT) conditions at {@code beta}, with
     * {@code g_j = x_j . (y - X beta) / n}: {@code |g_j - lambda sign(beta_j)|} where {@code beta_j != 0}, and
     * {@code max(|g_j| - lambda, 0)} where it is zero. Zero exactly at the optimum.
     */
    public static double kktViolation(ColumnBlock x, double[] beta, double lambda) {
        double[] r = x.labels();
        for (int j = 0; j < beta.length; j++) {
            if (beta[j] != 0) {
                x.axpy(j, -beta[j], r);
            }
        }
        double worst = 0;
        for (int j = 0; j < beta.length; j++) {
            double g = x.dot(j, r) / x.rows();
            double v = beta[j] != 0 ? Math.abs(g - lambda * Math.signum(beta[j])) : Math.max(Math.abs(g) - lambda, 0);
            worst = Math.max(worst, v);
        }
        return worst;
    }

    /** {@code lambda_max = max_j |x_j . y| / n}: the smallest lambda at which every coefficient is zero. */
    public static double lambdaMax(ColumnBlock x) {
        double[] y = x.labels();
        double m = 0;
        for (int j = 0; j < x.cols(); j++) {
            m = Math.max(m, Math.abs(x.dot(j, y)) / x.rows());
        }
        return m;
    }
}
