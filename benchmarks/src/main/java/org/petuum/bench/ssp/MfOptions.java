package org.petuum.bench.ssp;

import java.io.Serializable;
import java.util.Objects;
import org.petuum.ssp.Consistency;

/**
 * The settings of one matrix-factorisation run. Validated on construction: a value out of range fails
 * naming the option and its allowed range.
 *
 * @param rank         factors per user and item
 * @param learningRate the SGD step size at clock 0
 * @param decay        the step size is multiplied by this after every pass
 * @param lambda       L2 regularisation of factors and biases
 * @param clocks       clocks in all; each visits one slice of every worker's ratings
 * @param clocksPerPass clocks that make one pass over the data (more clocks per pass: workers share
 *                      their item steps more often)
 * @param staleness    the item table's SSP staleness (0 = BSP); must be {@code consistency.staleness()}
 * @param seed         seed of the initial factors and the visiting order
 * @param consistency  the item table's consistency model: {@code SSP(staleness)} unless set with
 *                     {@link #withConsistency}
 * @param stragglerSlowdown an injected slowdown of worker 0, for experiments: after the work of each clock it
 *                     sleeps {@code stragglerSlowdown - 1} times as long as that work took, so that it runs
 *                     {@code stragglerSlowdown} times slower than it would; 1 (the default) injects nothing
 */
public record MfOptions(int rank, double learningRate, double decay, double lambda, int clocks, int clocksPerPass, int staleness,
                        long seed, Consistency consistency, double stragglerSlowdown) implements Serializable {
    public MfOptions {
        check("--rank", rank, 1, 1000);
        check("--learning-rate", learningRate, 1e-9, 10);
        check("--decay", decay, 0.01, 1);
        check("--lambda", lambda, 0, 100);
        check("--clocks", clocks, 1, 100_000);
        check("--clocks-per-pass", clocksPerPass, 1, 10_000);
        check("--staleness", staleness, 0, 1000);
        Objects.requireNonNull(consistency, "consistency");
        if (consistency.staleness() != staleness) {
            throw new IllegalArgumentException("--staleness : " + staleness + " (expected: " + consistency.staleness()
                    + ", the staleness of the item table's consistency model " + consistency + ")");
        }
        check("stragglerSlowdown", stragglerSlowdown, 1, 100);
    }

    /** Options with the item table under {@code SSP(staleness)} and no injected straggler. */
    public MfOptions(int rank, double learningRate, double decay, double lambda, int clocks, int clocksPerPass,
                     int staleness, long seed) {
        this(rank, learningRate, decay, lambda, clocks, clocksPerPass, staleness, seed, sspOf(staleness), 1);
    }

    /** {@code SSP(staleness)}, after the range check that names the option. */
    private static Consistency sspOf(int staleness) {
        check("--staleness", staleness, 0, 1000);
        return Consistency.ssp(staleness);
    }

    /** The defaults: good on Jester and on the generated data. */
    public static MfOptions defaults() {
        return new MfOptions(10, 0.025, 0.85, 0.04, 50, 5, 2, 42);
    }

    /** These options with the item table under {@code model} (and {@code staleness} its staleness). */
    public MfOptions withConsistency(Consistency model) {
        return new MfOptions(rank, learningRate, decay, lambda, clocks, clocksPerPass, model.staleness(), seed, model,
                stragglerSlowdown);
    }

    /** These options with worker 0 slowed down {@code slowdown} times (1: not at all); for experiments. */
    public MfOptions withStragglerSlowdown(double slowdown) {
        return new MfOptions(rank, learningRate, decay, lambda, clocks, clocksPerPass, staleness, seed, consistency,
                slowdown);
    }

    /** The step size of clock {@code c}: it decays once per pass. */
    public double learningRateAt(int c) {
        return learningRate * Math.pow(decay, c / clocksPerPass);
    }

    private static void check(String option, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(option + " : " + fmt(v) + " (expected: " + fmt(min) + " <= value <= " + fmt(max) + ")");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
