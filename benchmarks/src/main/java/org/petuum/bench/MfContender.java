package org.petuum.bench;

import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.petuum.ml.recommendation.MatrixFactorization;
import org.petuum.ml.recommendation.MatrixFactorizationModel;

/**
 * Our {@link MatrixFactorization} estimator, with its default parameters and one schedule, on the benchmark's
 * cached train and test DataFrames (the same ones ALS reads). Used by one thread.
 */
final class MfContender {

    /**
     * One run.
     *
     * @param wallSeconds     fit plus evaluation: from cached ratings to a model and its test RMSE
     * @param trainingSeconds {@link MatrixFactorizationModel.Summary#seconds()}: from the creation of the item table
     *                        to the end of the run (reading the partitions included)
     * @param secondsPerPass  the training time of one pass (the last pass's end over the number of passes)
     * @param testRmse        the model's test RMSE (cold start "drop", as ALS's)
     */
    record Run(double wallSeconds, double trainingSeconds, double secondsPerPass, double testRmse) {
    }

    private final Dataset<Row> train;
    private final Dataset<Row> test;
    private final String schedule;
    private final int workers;

    MfContender(Dataset<Row> train, Dataset<Row> test, String schedule, int workers) {
        this.train = train;
        this.test = test;
        this.schedule = schedule;
        this.workers = workers;
    }

    private MatrixFactorization configured() {
        return new MatrixFactorization().setSchedule(schedule).setNumWorkers(workers).setColdStartStrategy("drop");
    }

    /** A description of the settings, for the benchmark's header. */
    String settings() {
        MatrixFactorization mf = configured();
        return "schedule " + mf.getSchedule() + ", rank " + mf.getRank() + ", maxIter " + mf.getMaxIter()
                + " passes, stepSize " + mf.getStepSize() + " decaying by " + mf.getStepDecay() + " per pass, regParam "
                + mf.getRegParam() + (schedule.equals("ssp") ? ", SSP(" + mf.getStaleness() + ")" : ", BSP rounds")
                + ", " + workers + " worker(s)";
    }

    String schedule() {
        return schedule;
    }

    Run run() {
        long start = System.nanoTime();
        MatrixFactorizationModel model = configured().fit(train);
        double rmse = new RegressionEvaluator().setMetricName("rmse").setLabelCol("rating")
                .evaluate(model.transform(test));
        double wall = (System.nanoTime() - start) / 1e9;
        MatrixFactorizationModel.Summary s = model.summary();
        double[] ends = s.passEndSeconds();
        return new Run(wall, s.seconds(), ends[ends.length - 1] / ends.length, rmse);
    }
}
