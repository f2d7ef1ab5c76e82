package org.petuum.ps;

/**
 * How far a piece of work has come: a run's clocks as its workers report them, or an estimator's passes with
 * their objective. What the command line, notebooks and a user's {@link ProgressListener} see.
 *
 * @param task        what is progressing, e.g. {@code "run 3"} or {@code "MatrixFactorization"}
 * @param step        the steps completed so far (for a run: the clocks its slowest worker has completed)
 * @param totalSteps  the steps planned, or {@code -1} when not known ahead
 * @param unit        what a step is: {@code "clock"}, {@code "pass"}, {@code "round"} …
 * @param objective   the objective after this step, or {@code NaN} where none is known
 * @param objectiveName what the objective is, e.g. {@code "train RMSE"}; empty without one
 * @param throughput  work per second since the task started, or {@code NaN}
 * @param throughputUnit what the throughput counts, e.g. {@code "clocks/s"}, {@code "ratings/s"}
 * @param elapsedMillis time since the task started
 * @param spread      for runs: clocks between the fastest and the slowest worker (0 otherwise)
 * @param bounds      for runs with {@code SSP_AUTO} tables: the staleness bound each table's workers have in force,
 *                    as last reported, e.g. {@code "weights 2"} or, when workers differ, {@code "weights 1-3"}
 *                    (lowest-highest), tables separated by {@code ", "}; empty otherwise
 */
public record Progress(String task, int step, int totalSteps, String unit, double objective, String objectiveName,
                       double throughput, String throughputUnit, long elapsedMillis, int spread, String bounds) {

    public Progress {
        bounds = bounds == null ? "" : bounds;
    }

    /** A progress without adaptive staleness bounds. */
    public Progress(String task, int step, int totalSteps, String unit, double objective, String objectiveName,
                    double throughput, String throughputUnit, long elapsedMillis, int spread) {
        this(task, step, totalSteps, unit, objective, objectiveName, throughput, throughputUnit, elapsedMillis, spread,
                "");
    }

    /** A step of a task without an objective or spread. */
    public static Progress of(String task, int step, int totalSteps, String unit, double throughput,
                              String throughputUnit, long elapsedMillis) {
        return new Progress(task, step, totalSteps, unit, Double.NaN, "", throughput, throughputUnit, elapsedMillis, 0);
    }

    /** This progress with an objective. */
    public Progress withObjective(String name, double value) {
        return new Progress(task, step, totalSteps, unit, value, name, throughput, throughputUnit, elapsedMillis,
                spread, bounds);
    }

    /**
     * One line, as the command line prints it: {@code run 3  clock 12/50  train RMSE 0.9123  41.2 clocks/s  3.1 s},
     * with {@code  spread 2} and {@code  staleness weights 1-3} after the objective when there are any.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(task).append("  ").append(unit).append(' ').append(step);
        if (totalSteps > 0) {
            sb.append('/').append(totalSteps);
        }
        if (!Double.isNaN(objective)) {
            sb.append("  ").append(objectiveName).append(' ').append(String.format(java.util.Locale.ROOT, "%.4f", objective));
        }
        if (spread > 0) {
            sb.append("  spread ").append(spread);
        }
        if (!bounds.isEmpty()) {
            sb.append("  staleness ").append(bounds);
        }
        if (!Double.isNaN(throughput)) {
            sb.append(String.format(java.util.Locale.ROOT, "  %.4g %s", throughput, throughputUnit));
        }
        return sb.append(String.format(java.util.Locale.ROOT, "  %.1f s", elapsedMillis / 1000.0)).toString();
    }
}
