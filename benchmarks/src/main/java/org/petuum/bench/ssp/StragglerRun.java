package org.petuum.bench.ssp;

import java.util.List;
import org.petuum.examples.report.ConvergenceReport;
import org.petuum.ssp.Consistency;

/**
 * One training run of the straggler benchmark.
 *
 * @param model           the item table's consistency model
 * @param slowdown        worker 0's injected slowdown (1: none)
 * @param trainingSeconds from the start of training to the last clock ({@code MfJob.Result.seconds()})
 * @param testRmse        the final model's test RMSE, computed by the driver on all test ratings
 * @param clocks          one row per clock; its test RMSE is what the workers measured at the end of the clock,
 *                        against item factors as fresh as the model guarantees, once every worker had finished it
 */
record StragglerRun(Consistency model, double slowdown, double trainingSeconds, double testRmse,
                    List<ConvergenceReport.Row> clocks) {

    boolean straggler() {
        return slowdown > 1;
    }

    /** The first clock whose test RMSE is at most {@code target}, or null if none is. */
    ConvergenceReport.Row firstReaching(double target) {
        for (ConvergenceReport.Row row : clocks) {
            if (row.testRmse() <= target) {
                return row;
            }
        }
        return null;
    }

    /** Seconds from the start of training to the first clock at or below {@code target}; infinity if none. */
    double secondsTo(double target) {
        ConvergenceReport.Row row = firstReaching(target);
        return row == null ? Double.POSITIVE_INFINITY : row.elapsedSeconds();
    }

    /** The workers' test RMSE at the last clock; infinity if the run reported none. */
    double lastClockTestRmse() {
        double rmse = clocks.isEmpty() ? Double.NaN : clocks.get(clocks.size() - 1).testRmse();
        return Double.isNaN(rmse) ? Double.POSITIVE_INFINITY : rmse;
    }
}
