package org.petuum.ml.regression;

import java.io.Serializable;

/**
 * How a {@link Lasso} fit ended.
 *
 * @param objective   {@code F = ||y - X b - b0||^2 / (2n) + regParam ||b||_1} at the learned coefficients
 * @param dualityGap  the duality gap at the last full pass: an upper bound on {@code F - F*} there
 * @param lambdaMax   the smallest {@code regParam} at which every coefficient is zero
 * @param rounds      rounds run (block rounds and full passes)
 * @param fullPasses  of which full passes
 * @param updates     coordinate updates made
 * @param converged   whether the gap reached {@code tol * F} (else {@code maxIter} ran out)
 */
public record LassoSummary(double objective, double dualityGap, double lambdaMax, int rounds, int fullPasses,
                           long updates, boolean converged) implements Serializable {

    static LassoSummary of(LassoResult r) {
        return new LassoSummary(r.objective(), r.dualityGap(), r.lambdaMax(), r.rounds(), r.fullPasses(),
                r.updates(), r.converged());
    }
}
