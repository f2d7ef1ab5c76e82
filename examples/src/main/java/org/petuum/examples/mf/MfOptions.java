package org.petuum.examples.mf;

import java.io.Serializable;

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
 * @param staleness    the item table's SSP staleness (0 = BSP)
 * @param seed         seed of the initial factors and the visiting order
 */
public record MfOptions(int rank, double learningRate, double decay, double lambda, int clocks, int clocksPerPass, int staleness,
                        long seed) implements Serializable {
    public MfOptions {
        check("--rank", rank, 1, 1000);
        check("--learning-rate", learningRate, 1e-9, 10);
        check("--decay", decay, 0.01, 1);
        check("--lambda", lambda, 0, 100);
        check("--clocks", clocks, 1, 100_000);
        check("--clocks-per-pass", clocksPerPass, 1, 10_000);
        check("--staleness", staleness, 0, 1000);
    }

    /** The defaults: good on Jester and on the generated data. */
    public static MfOptions defaults() {
        return new MfOptions(10, 0.025, 0.85, 0.04, 50, 5, 2, 42);
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
