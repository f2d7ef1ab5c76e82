package org.petuum.bench.lasso;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.petuum.ps.PsContext;
import org.petuum.ml.regression.ColumnBlock;
import org.petuum.ml.regression.LabeledRow;
import org.petuum.ml.regression.LassoMath;
import org.petuum.ml.regression.LassoParams;
import org.petuum.ml.regression.LassoResult;
import org.petuum.ml.regression.ScheduledLasso;

/**
 * The cost of the round protocol itself: a scheduled Lasso on a problem so small that a round's arithmetic takes
 * microseconds ({@value #ROWS} rows of {@value #FEATURES} strongly correlated features, split over the workers, and a
 * tiny lambda, so coordinate descent keeps moving for many rounds), run for a fixed number of rounds. The trace gives
 * each round's duration on the scheduler's clock: assignment published, every worker's result pulled, update
 * committed. The workers' arithmetic per round is timed separately, on the driver, on one worker's share of the
 * rows, so that it can be subtracted.
 */
final class RoundOverhead {

    static final int ROWS = 400;
    static final int FEATURES = 16;

    /**
     * @param rounds              rounds run (full passes included)
     * @param fitSeconds          wall time around {@code fit}
     * @param traceSeconds        the scheduler's time from the first traced round to the last
     * @param updateRoundMedianMs median duration of an update round (candidates scheduled, results pulled)
     * @param updateRoundP90Ms    its 90th percentile
     * @param updateRounds        how many update rounds there were
     * @param allRoundsMeanMs     mean duration over every traced round, full passes included
     * @param computeMicros       the workers' arithmetic of one update round on one worker's rows, in microseconds
     */
    record Result(int rounds, double fitSeconds, double traceSeconds, double updateRoundMedianMs,
                  double updateRoundP90Ms, int updateRounds, double allRoundsMeanMs, double computeMicros) {

        /** Median update round minus the arithmetic: the protocol's own cost per round. */
        double overheadMs() {
            return updateRoundMedianMs - computeMicros / 1000;
        }
    }

    private RoundOverhead() {
    }

    static Result measure(SparkSession spark, PsContext ps, int workers, int rounds, long seed) {
        List<LabeledRow> rows = correlatedRows(seed);
        ColumnBlock all = ColumnBlock.of(rows, FEATURES);
        double lambda = 1e-4 * LassoMath.lambdaMax(all);
        LassoParams params = LassoParams.of(lambda).withTolerance(1e-300).withMaxRounds(rounds).withSeed(seed);
        JavaRDD<LabeledRow> data = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, workers);
        data.rdd().localCheckpoint();
        data.count();
        try {
            long start = System.nanoTime();
            LassoResult fit = ScheduledLasso.fit(ps, data, FEATURES, params);
            double fitSeconds = (System.nanoTime() - start) / 1e9;
            List<LassoResult.TracePoint> t = fit.trace();
            List<Double> update = new ArrayList<>();
            for (int i = 1; i < t.size(); i++) {
                if (t.get(i).updates() > t.get(i - 1).updates()) {
                    update.add((t.get(i).nanos() - t.get(i - 1).nanos()) / 1e6);
                }
            }
            double[] u = update.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double traceSeconds = (t.get(t.size() - 1).nanos() - t.get(0).nanos()) / 1e9;
            double allMean = t.size() > 1 ? traceSeconds * 1e3 / (t.size() - 1) : Double.NaN;
            return new Result(fit.rounds(), fitSeconds, traceSeconds, percentile(u, 0.5), percentile(u, 0.9),
                    u.length, allMean, computeMicros(rows.subList(0, rows.size() / workers), params.candidates()));
        } finally {
            data.unpersist(false);
        }
    }

    /** Features {@code z + 0.3 e_j}: correlated, so coordinate descent needs many rounds. */
    private static List<LabeledRow> correlatedRows(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] beta = new double[FEATURES];
        for (int j = 0; j < FEATURES; j++) {
            beta[j] = rnd.nextDouble() * 2 - 1;
        }
        List<LabeledRow> rows = new ArrayList<>(ROWS);
        for (int i = 0; i < ROWS; i++) {
            double z = rnd.nextDouble() * 2 - 1;
            double[] x = new double[FEATURES];
            double y = 0;
            for (int j = 0; j < FEATURES; j++) {
                x[j] = z + 0.3 * (rnd.nextDouble() * 2 - 1);
                y += x[j] * beta[j];
            }
            rows.add(LabeledRow.dense(y + 0.1 * (rnd.nextDouble() * 2 - 1), x));
        }
        return rows;
    }

    /**
     * What a worker computes in an update round of this problem, timed on the driver: the candidates' inner products
     * with the residual and their pairwise Gram entries, over one worker's share of the rows.
     */
    private static double computeMicros(List<LabeledRow> share, int candidates) {
        ColumnBlock x = ColumnBlock.of(share, FEATURES);
        int m = Math.min(candidates, FEATURES);
        int[] cand = new int[m];
        for (int i = 0; i < m; i++) {
            cand[i] = i;
        }
        double[] r = x.labels();
        double[] out = new double[m + m * (m - 1) / 2];
        double[] scratch = new double[x.rows()];
        double sink = 0;
        int reps = 20_000;
        long start = 0;
        for (int rep = -reps; rep < reps; rep++) { // the first half warms up
            if (rep == 0) {
                start = System.nanoTime();
            }
            for (int i = 0; i < m; i++) {
                out[i] = x.dot(cand[i], r);
            }
            x.pairwiseDots(cand, out, m, scratch);
            sink += out[rep & 7];
        }
        double micros = (System.nanoTime() - start) / 1e3 / reps;
        return Double.isNaN(sink) ? Double.NaN : micros;
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int at = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, at))];
    }
}
