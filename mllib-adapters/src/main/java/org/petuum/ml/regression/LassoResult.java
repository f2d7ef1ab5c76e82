package org.petuum.ml.regression;

import java.util.List;

/**
 * What a scheduled Lasso run found and how it got there.
 *
 * @param beta        the coefficients
 * @param intercept   the intercept ({@code 0} unless fitted)
 * @param objective   {@code F(beta)}, from the workers' residuals at the last full pass and the exact decreases
 *                    of the updates after it
 * @param dualityGap  the duality gap at the last full pass (an upper bound on {@code F - F*} there)
 * @param lambdaMax   the smallest lambda at which every coefficient is zero
 * @param rounds      rounds run (full passes included)
 * @param fullPasses  of which full passes
 * @param updates     coordinate updates made
 * @param converged   whether the tolerance was met (else {@code maxRounds} ran out)
 * @param trace       the objective after each round
 */
public record LassoResult(double[] beta, double intercept, double objective, double dualityGap, double lambdaMax,
                          int rounds, int fullPasses, long updates, boolean converged, List<TracePoint> trace) {

    /**
     * The state after one round: updates so far, nanoseconds since the first round, {@code F}, and the duality gap
     * where the round was a full pass ({@code NaN} otherwise).
     */
    public record TracePoint(int round, long updates, long nanos, double objective, double gap) {
    }

    /** The number of non-zero coefficients. */
    public int support() {
        int s = 0;
        for (double b : beta) {
            if (b != 0) {
                s++;
            }
        }
        return s;
    }
}
