package org.petuum.ml.regression;

/**
 * Solves a round's block of coordinates on the driver: exact coordinate minimisation over the block, each step
 * corrected for the block's earlier steps through the block's Gram matrix, so that the block's updates equal a
 * sequence of single-coordinate descent steps on the full data although the workers passed over their rows once.
 *
 * <p>This is the dependency check that scales: instead of dropping every candidate that correlates with another
 * (which on data with non-negative features leaves about one coordinate per round), dependent candidates are solved
 * jointly. A block in which some pair's |correlation| reaches the threshold is swept until a sweep lowers the
 * objective by less than {@value #SETTLED} of the first sweep (at most {@value #MAX_SWEEPS} sweeps); a block
 * without such a pair hardly interacts, and one sweep suffices.
 *
 * <p>Stateless; used by the scheduler's thread.
 */
final class BlockSolver {
    static final double SETTLED = 1e-3;
    static final int MAX_SWEEPS = 100;

    /** What a block solve did: the change of each candidate, the objective's fall and the updates made. */
    record Outcome(double[] change, double fall, long updates) {
    }

    private BlockSolver() {
    }

    /**
     * @param cand      the block's coordinates (distinct)
     * @param grad      {@code x_a . r / n} of each candidate at the round's residual; consumed
     * @param gram      {@code x_a . x_b / n} of each pair (the diagonal is ignored: {@code c} holds it)
     * @param c         {@code ||x_j||^2 / n} of every coordinate ({@code 0}: the coordinate never moves)
     * @param beta      every coefficient; the block's are updated in place
     * @param threshold the dependency check's bound on |correlation|
     */
    static Outcome solve(int[] cand, double[] grad, double[][] gram, double[] c, double[] beta, double lambda,
                         double threshold) {
        int k = cand.length;
        boolean coupled = false;
        for (int a = 0; a < k && !coupled; a++) {
            for (int b = a + 1; b < k; b++) {
                double cc = c[cand[a]] * c[cand[b]];
                if (cc > 0 && Math.abs(gram[a][b]) >= threshold * Math.sqrt(cc)) {
                    coupled = true;
                    break;
                }
            }
        }
        int sweeps = coupled ? MAX_SWEEPS : 1;
        double[] change = new double[k];
        double fall = 0;
        double first = 0;
        long updates = 0;
        for (int s = 0; s < sweeps; s++) {
            double fell = 0;
            for (int a = 0; a < k; a++) {
                int j = cand[a];
                if (c[j] == 0) {
                    continue;
                }
                updates++;
                double b1 = LassoMath.coordinateMinimiser(grad[a], c[j], beta[j], lambda);
                double delta = b1 - beta[j];
                if (delta == 0) {
                    continue;
                }
                fell += LassoMath.decrease(grad[a], c[j], beta[j], b1, lambda);
                beta[j] = b1;
                change[a] += delta;
                for (int b = 0; b < k; b++) {
                    grad[b] -= (b == a ? c[j] : gram[a][b]) * delta;
                }
            }
            fall += fell;
            if (s == 0) {
                first = fell;
            }
            if (fell <= SETTLED * first) {
                break;
            }
        }
        return new Outcome(change, fall, updates);
    }
}
