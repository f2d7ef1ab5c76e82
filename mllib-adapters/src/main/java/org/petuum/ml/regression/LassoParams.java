package org.petuum.ml.regression;

/**
 * How a scheduled Lasso run goes: the engine's settings, which {@link Lasso} fills from its parameters.
 *
 * @param lambda               the L1 weight ({@code > 0}, finite)
 * @param fitIntercept         whether to fit an unpenalised intercept (the data is centred implicitly: the
 *                             scheduler corrects the workers' sums, so sparse rows stay sparse)
 * @param schedule             how each round's block of coordinates is chosen: {@code DYNAMIC} (drawn with
 *                             probability {@code delta^2 + eta}), {@code ROTATION} (consecutive blocks in turn) or
 *                             {@code RANDOM} (uniform)
 * @param candidates           coordinates per round (the block), {@code 1 ..} {@value #MAX_CANDIDATES}
 * @param correlationThreshold the dependency check: a block holding a pair of coordinates whose |correlation| is at
 *                             least this is solved jointly (repeated sweeps over the block's Gram matrix); a block
 *                             without one takes a single sweep. In {@code (0, 1]}
 * @param etaRelative          the dynamic schedule's priority floor {@code eta}, relative to the largest initial
 *                             priority
 * @param tolerance            stop when the duality gap is at most {@code tolerance * F} (a relative duality gap)
 * @param checkEvery           at most this many rounds between full passes (which measure the gap and refresh
 *                             priorities); {@code 0} picks {@code clamp(ceil(p / candidates), 10, 200)}
 * @param maxRounds            give up after this many rounds (block rounds and full passes)
 * @param seed                 of the schedule's draws
 */
public record LassoParams(double lambda, boolean fitIntercept, Schedule schedule, int candidates,
                          double correlationThreshold, double etaRelative, double tolerance, int checkEvery,
                          int maxRounds, long seed) {

    /** How a round's block of coordinates is chosen. */
    public enum Schedule { DYNAMIC, ROTATION, RANDOM }

    /** The most coordinates a round may hold: a round pushes one Gram entry per pair of them. */
    public static final int MAX_CANDIDATES = 256;

    /** The engine's default block size ({@link Lasso} chooses one from the data unless its blockSize is set). */
    public static final int DEFAULT_CANDIDATES = 64;

    /** The default priority floor, relative to the largest initial priority. */
    public static final double DEFAULT_ETA_RELATIVE = 1e-12;

    public LassoParams {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda : " + lambda + " (expected: > 0 and finite)");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule : null (expected: DYNAMIC, ROTATION or RANDOM)");
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

    /**
     * The engine's defaults: no intercept, dynamic schedule, blocks of {@value #DEFAULT_CANDIDATES},
     * threshold 0.1, eta 1e-12, relative duality gap 1e-6, 100,000 rounds.
     */
    public static LassoParams of(double lambda) {
        return new LassoParams(lambda, false, Schedule.DYNAMIC, DEFAULT_CANDIDATES, 0.1, DEFAULT_ETA_RELATIVE, 1e-6,
                0, 100_000, 42);
    }

    public LassoParams withLambda(double l) {
        return new LassoParams(l, fitIntercept, schedule, candidates, correlationThreshold, etaRelative, tolerance,
                checkEvery, maxRounds, seed);
    }

    public LassoParams withFitIntercept(boolean on) {
        return new LassoParams(lambda, on, schedule, candidates, correlationThreshold, etaRelative, tolerance,
                checkEvery, maxRounds, seed);
    }

    public LassoParams withSchedule(Schedule s) {
        return new LassoParams(lambda, fitIntercept, s, candidates, correlationThreshold, etaRelative, tolerance,
                checkEvery, maxRounds, seed);
    }

    public LassoParams withCandidates(int m) {
        return new LassoParams(lambda, fitIntercept, schedule, m, correlationThreshold, etaRelative, tolerance,
                checkEvery, maxRounds, seed);
    }

    public LassoParams withCorrelationThreshold(double t) {
        return new LassoParams(lambda, fitIntercept, schedule, candidates, t, etaRelative, tolerance, checkEvery,
                maxRounds, seed);
    }

    public LassoParams withTolerance(double t) {
        return new LassoParams(lambda, fitIntercept, schedule, candidates, correlationThreshold, etaRelative, t,
                checkEvery, maxRounds, seed);
    }

    public LassoParams withMaxRounds(int r) {
        return new LassoParams(lambda, fitIntercept, schedule, candidates, correlationThreshold, etaRelative,
                tolerance, checkEvery, r, seed);
    }

    public LassoParams withSeed(long s) {
        return new LassoParams(lambda, fitIntercept, schedule, candidates, correlationThreshold, etaRelative,
                tolerance, checkEvery, maxRounds, s);
    }
}
