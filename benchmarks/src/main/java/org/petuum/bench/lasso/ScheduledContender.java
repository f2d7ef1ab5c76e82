package org.petuum.bench.lasso;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.regression.LabeledRow;
import org.petuum.ml.regression.Lasso;
import org.petuum.ml.regression.LassoMath;
import org.petuum.ml.regression.LassoModel;
import org.petuum.ml.regression.LassoParams;
import org.petuum.ml.regression.LassoResult;
import org.petuum.ml.regression.LassoSummary;

/**
 * Our {@link Lasso} estimator on one problem, one worker per task slot, without an intercept (as MLlib's contender).
 * The rows are made a DataFrame once and held in the block managers with their lineage cut before any run, as
 * MLlib's DataFrame is, so neither system is charged for shipping the data from the driver. Used by one thread.
 */
final class ScheduledContender {

    /**
     * One run.
     *
     * @param system        which variant ran (see {@link Variant})
     * @param fitSeconds    wall time around {@link Lasso#fit}: the input check, table set-up, the scheduled stage,
     *                      clean-up
     * @param result        what the fit returned, with its trace
     * @param trueObjective {@code F} of the final coefficients, computed from the data (the trace's objectives are
     *                      the scheduler's running values: exact at full passes, updated by each step's exact
     *                      decrease in between)
     * @param trueGap       the relative gap of {@code trueObjective}
     * @param reached       the first trace point whose relative gap is at most the target, or null
     * @param outsideTrace  seconds of {@code fitSeconds} outside the scheduler's clock (before its first round
     *                      started and after its last one ended)
     */
    record Run(Variant system, double fitSeconds, LassoResult result, double trueObjective, double trueGap,
               LassoResult.TracePoint reached, double outsideTrace) {

        /**
         * Seconds from calling {@code fit} to the round that first reached the target: the round's time on the
         * scheduler's clock plus everything outside that clock (so tear-down is charged too: an upper bound).
         * Positive infinity if never reached.
         */
        double secondsToTarget() {
            return reached == null ? Double.POSITIVE_INFINITY : outsideTrace + reached.nanos() / 1e9;
        }

        /** Coordinate updates up to the round that first reached the target; positive infinity if never. */
        double updatesToTarget() {
            return reached == null ? Double.POSITIVE_INFINITY : reached.updates();
        }

        /** Rounds (full passes included) up to the round that first reached the target; infinity if never. */
        double roundsToTarget() {
            return reached == null ? Double.POSITIVE_INFINITY : reached.round();
        }
    }

    /**
     * One configuration of our solver: a schedule and, for the dynamic one, the dependency filter's threshold.
     *
     * @param label     for the tables
     * @param schedule  DYNAMIC or RANDOM
     * @param threshold the estimator's correlationThreshold
     * @param blockSize the estimator's blockSize (0: chosen from the data)
     */
    record Variant(String label, LassoParams.Schedule schedule, double threshold, int blockSize) {
    }

    private final LassoProblem problem;
    private final Dataset<Row> data;
    private final LassoParams base;
    private final double target;

    /** @param base every setting but lambda, the schedule and the threshold, which come from the problem and variant */
    ScheduledContender(SparkSession spark, LassoProblem problem, int workers, LassoParams base,
                       double target) {
        this.problem = problem;
        this.base = base.withLambda(problem.lambda()).withFitIntercept(false);
        this.target = target;
        this.data = frame(spark, problem, workers);
        long count = data.count();
        if (count != problem.rows().size()) {
            throw new IllegalStateException("checkpointed RDD holds " + count + " rows (expected: "
                    + problem.rows().size() + ")");
        }
    }

    /**
     * Runs {@code variant} for at most {@code maxRounds} rounds (less than the base setting when a run only needs to
     * get as far as an earlier one got to the target).
     */
    Run run(Variant variant, int maxRounds) {
        Lasso lasso = new Lasso().setRegParam(base.lambda()).setFitIntercept(false)
                .setSchedule(variant.schedule().name().toLowerCase(Locale.ROOT))
                .setCorrelationThreshold(variant.threshold()).setBlockSize(variant.blockSize()).setTol(base.tolerance())
                .setMaxIter(Math.min(maxRounds, base.maxRounds())).setSeed(base.seed());
        long start = System.nanoTime();
        LassoModel model = lasso.fit(data);
        double seconds = (System.nanoTime() - start) / 1e9;
        LassoSummary s = model.summary();
        LassoResult fit = new LassoResult(model.coefficients().toArray(), model.intercept(), s.objective(),
                s.dualityGap(), s.lambdaMax(), s.rounds(), s.fullPasses(), s.updates(), s.converged(), model.trace());
        List<LassoResult.TracePoint> trace = fit.trace();
        LassoResult.TracePoint reached = null;
        for (LassoResult.TracePoint p : trace) {
            if (problem.gap(p.objective()) <= target) {
                reached = p;
                break;
            }
        }
        double traced = trace.isEmpty() ? 0 : trace.get(trace.size() - 1).nanos() / 1e9;
        double trueObjective = LassoMath.objective(problem.block(), fit.beta(), problem.lambda());
        return new Run(variant, seconds, fit, trueObjective, problem.gap(trueObjective), reached,
                Math.max(0, seconds - traced));
    }

    void release() {
        data.unpersist(false);
    }

    /** {@code label, features} in {@code partitions} partitions, materialised with the lineage cut. */
    static Dataset<Row> frame(SparkSession spark, LassoProblem problem, int partitions) {
        StructType schema = new StructType().add("label", DataTypes.DoubleType, false)
                .add("features", SQLDataTypes.VectorType(), false);
        List<Row> rows = new ArrayList<>(problem.rows().size());
        for (LabeledRow r : problem.rows()) {
            rows.add(RowFactory.create(r.label(), Vectors.sparse(problem.features(), r.indices(), r.values())));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(rows, partitions), schema).localCheckpoint(true);
    }
}
