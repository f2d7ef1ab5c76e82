package org.petuum.scheduler.lasso;

/**
 * How the scheduled Lasso runs.
 *
 * @param lambda               the L1 weight ({@code >= 0})
 * @param schedule             {@code DYNAMIC} (priority {@code delta^2 + eta} with the dependency filter) or
 *                             {@code RANDOM} (uniform, every candidate updated)
 * @param candidates           variables drawn per round, before the dependency filter
 * @param correlationThreshold the dependency filter's bound on |correlation| between co-scheduled variables, in
 *                             {@code (0, 1]}; used by {@code DYNAMIC}
 * @param etaRelative          {@code eta} as a fraction of the largest initial priority
 * @param tolerance            stop when no single coordinate update could lower the objective by more than
 *                             {@code tolerance * F}
 * @param checkEvery           at most this many rounds between full passes (which check convergence and refresh
 *                             priorities); {@code 0} picks {@code clamp(ceil(p / candidates), 10, 200)}
 * @param maxRounds            give up after this many rounds
 * @param seed                 of the schedule's draws
 */
public record LassoParams(double lambda, Schedule schedule, int candidates, double correlationThreshold,
                          double etaRelative, double tolerance, int checkEvery, int maxRounds, long seed) {

    public enum Schedule { DYNAMIC, RANDOM }

    /** The most candidates a round may draw: a round pushes one Gram entry per pair of them. */
    public static final int MAX_CANDIDATES = 256;

    public LassoParams {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda : " + lambda + " (expected: >= 0 and finite)");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule : null (expected: DYNAMIC or RANDOM)");
        }
        if (candidates < 1 || candidates > MAX_CANDIDATES) {
            throw new IllegalArgumentException("candidates : " + candidates + " (expected: 1 <= candidates <= "
                    + MAX_CANDIDATES + ")");
        }
        if (!(correlationThreshold > 0 && correlationThreshold <= 1)) {
            throw new IllegalArgumentException("correlationThreshold : " + correlationThreshold
                    + " (expected: 0 < value <= 1)");
        }
        if (!(etaRelative > 0 && etaRelative < 1)) {
            throw new IllegalArgumentException("etaRelative : " + etaRelative + " (expected: 0 < value < 1)");
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance : " + tolerance + " (expected: 0 < value < 1)");
        }
        if (checkEvery < 0) {
            throw new IllegalArgumentException("checkEvery : " + checkEvery + " (expected: >= 0)");
        }
        if (maxRounds < 1) {
            throw new IllegalArgumentException("maxRounds : " + maxRounds + " (expected: >= 1)");
        }
    }

    /** The default priority floor, relative to the largest initial priority. */
    public static final double DEFAULT_ETA_RELATIVE = 1e-12;

    /**
     * Defaults: dynamic schedule, 32 candidates, threshold 0.1, eta 1e-12, tolerance 1e-12, 100,000 rounds.
     * A larger floor eta (1e-6 was tried) keeps drawing coordinates that stay at zero on wide data such as
     * arcene, and the dynamic schedule then loses to random selection (docs/benchmarks.md).
     */
    public static LassoParams of(double lambda) {
        return new LassoParams(lambda, Schedule.DYNAMIC, 32, 0.1, DEFAULT_ETA_RELATIVE, 1e-12, 0, 100_000, 42);
    }

    public LassoParams withSchedule(Schedule s) {
        return new LassoParams(lambda, s, candidates, correlationThreshold, etaRelative, tolerance, checkEvery,
                maxRounds, seed);
    }

    public LassoParams withCandidates(int m) {
        return new LassoParams(lambda, schedule, m, correlationThreshold, etaRelative, tolerance, checkEvery,
                maxRounds, seed);
    }

    public LassoParams withCorrelationThreshold(double t) {
        return new LassoParams(lambda, schedule, candidates, t, etaRelative, tolerance, checkEvery, maxRounds, seed);
    }

    public LassoParams withTolerance(double t) {
        return new LassoParams(lambda, schedule, candidates, correlationThreshold, etaRelative, t, checkEvery,
                maxRounds, seed);
    }

    public LassoParams withMaxRounds(int r) {
        return new LassoParams(lambda, schedule, candidates, correlationThreshold, etaRelative, tolerance, checkEvery,
                r, seed);
    }

    public LassoParams withSeed(long s) {
        return new LassoParams(lambda, schedule, candidates, correlationThreshold, etaRelative, tolerance, checkEvery,
                maxRounds, s);
    }
}
