package org.petuum.bench.straggler;

import java.io.Serializable;
import org.petuum.ssp.Consistency;

/**
 * The settings of one run of the straggler experiment's logistic regression. Validated on construction: a value
 * out of range names the option and its allowed range.
 *
 * @param dim           features per row
 * @param rows          training rows per worker
 * @param evalRows      held-out rows per worker, on which the objective is measured
 * @param clocks        clocks of training
 * @param clocksPerPass clocks that make one pass over a worker's rows
 * @param learningRate  SGD step size of the first pass
 * @param decay         the step size is multiplied by this after every pass
 * @param marginScale   standard deviation of the true model's margins (larger: cleaner labels)
 * @param seed          seed of the problem, the visiting order and the random pauses
 * @param consistency   the model table's consistency model
 * @param straggler     who is slowed down, and how
 */
public record LrOptions(int dim, int rows, int evalRows, int clocks, int clocksPerPass, double learningRate,
                        double decay, double marginScale, long seed, Consistency consistency, Straggler straggler)
        implements Serializable {

    public LrOptions {
        check("--dim", dim, 1, 100_000);
        check("--rows", rows, 1, 50_000_000);
        check("--eval-rows", evalRows, 1, 50_000_000);
        if ((long) rows * dim > Integer.MAX_VALUE - 8 || (long) evalRows * dim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--rows × --dim : " + rows + " × " + dim
                    + " (expected: at most 2^31 - 9 features per worker)");
        }
        check("--clocks", clocks, 1, 100_000);
        check("--clocks-per-pass", clocksPerPass, 1, rows);
        check("--learning-rate", learningRate, 1e-12, 10);
        check("--decay", decay, 0.01, 1);
        check("--margin-scale", marginScale, 0, 100);
        if (consistency == null || straggler == null) {
            throw new IllegalArgumentException("consistency and straggler must be given");
        }
    }

    /** These options with {@code model} as the model table's consistency model. */
    public LrOptions with(Consistency model, Straggler slow) {
        return new LrOptions(dim, rows, evalRows, clocks, clocksPerPass, learningRate, decay, marginScale, seed, model,
                slow);
    }

    /** The step size of clock {@code c}: it decays once per pass. */
    public double learningRateAt(int c) {
        return learningRate * Math.pow(decay, c / clocksPerPass);
    }

    private static void check(String option, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(option + " : " + v + " (expected: " + min + " <= value <= " + max + ")");
        }
    }
}
