package org.petuum.bench;

import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.petuum.examples.data.RatingsData;
import org.petuum.examples.mf.MfJob;
import org.petuum.examples.mf.MfOptions;
import org.petuum.examples.report.ConvergenceReport;

/** Our matrix factorisation on SSP tables ({@link MfJob}) on the benchmark's split. Used by one thread. */
final class MfContender {

    /**
     * One run.
     *
     * @param wallSeconds     wall time around {@link MfJob#run}: table set-up, partitioning, training with per-clock
     *                        evaluation, the final RMSE in the driver and table clean-up
     * @param trainingSeconds {@link MfJob.Result#seconds()}: from the start of training to the last clock
     * @param testRmse        the final model's test RMSE, computed by the driver on all test ratings
     * @param clocks          one row per clock; its test RMSE is what the workers measured at the end of the clock,
     *                        against item factors that may be up to the staleness bound behind
     */
    record Run(double wallSeconds, double trainingSeconds, double testRmse, List<ConvergenceReport.Row> clocks) {

        /** The first clock whose test RMSE is at most {@code targetRmse}, or null if none is. */
        ConvergenceReport.Row firstReaching(double targetRmse) {
            for (ConvergenceReport.Row row : clocks) {
                if (row.testRmse() <= targetRmse) {
                    return row;
                }
            }
            return null;
        }

        /**
         * Seconds from the start of training to the first clock at or below {@code targetRmse}; positive infinity if
         * no clock got there.
         */
        double secondsTo(double targetRmse) {
            ConvergenceReport.Row row = firstReaching(targetRmse);
            return row == null ? Double.POSITIVE_INFINITY : row.elapsedSeconds();
        }
    }

    private final SparkSession spark;
    private final RatingsData train;
    private final RatingsData test;
    private final MfOptions options;
    private final int workers;
    private final Consumer<String> progressLine;

    MfContender(SparkSession spark, RatingsData train, RatingsData test, MfOptions options, int workers,
                Consumer<String> progressLine) {
        this.spark = spark;
        this.train = train;
        this.test = test;
        this.options = options;
        this.workers = workers;
        this.progressLine = progressLine;
    }

    /** A description of the settings, for the benchmark's header. */
    String settings() {
        return "rank " + options.rank() + ", " + options.clocks() + " clocks of " + options.clocksPerPass()
                + " per pass, " + (options.staleness() == 0 ? "BSP" : "SSP(" + options.staleness() + ")")
                + ", learning rate " + options.learningRate() + " decaying by " + options.decay() + " per pass, lambda "
                + options.lambda() + ", seed " + options.seed() + ", " + workers + " worker(s)";
    }

    Run run() {
        long start = System.nanoTime();
        MfJob.Result result = MfJob.run(spark, train, test, options, workers, progressLine);
        double wall = (System.nanoTime() - start) / 1e9;
        return new Run(wall, result.seconds(), result.finalTestRmse(), result.report().rows());
    }
}
