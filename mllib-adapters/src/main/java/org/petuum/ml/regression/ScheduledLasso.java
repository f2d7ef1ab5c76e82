package org.petuum.ml.regression;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.petuum.ps.PsContext;
import org.petuum.ps.ScheduledRun;
import org.petuum.scheduler.Rounds;

/**
 * Lasso by scheduled coordinate descent (STRADS): the rows of the data are partitioned across the workers, one per
 * partition; a scheduler on the driver picks the coordinates of each round (see {@link LassoScheduler}) and the
 * workers compute their rows' share of each coordinate's update. Rounds travel over the parameter server's
 * connections (see {@link Rounds}).
 *
 * <pre>{@code
 * LassoResult fit = ScheduledLasso.fit(PsContext.get(spark), rows, numFeatures, LassoParams.of(0.1));
 * }</pre>
 */
public final class ScheduledLasso {
    private static final AtomicLong RUNS = new AtomicLong();

    private ScheduledLasso() {
    }

    /**
     * Fits the Lasso on {@code data} (one worker per partition; every feature index below {@code features}).
     *
     * @throws IllegalArgumentException if a row holds NaN or infinity, an index out of range, or there are no rows
     */
    public static LassoResult fit(PsContext ps, JavaRDD<LabeledRow> data, int features, LassoParams params) {
        return fit(ps, data, features, params, "lasso-" + RUNS.incrementAndGet() + "-" + System.nanoTime());
    }

    /**
     * As {@link #fit(PsContext, JavaRDD, int, LassoParams)}, with the run's tables named from {@code name} (unique
     * among the tables that exist meanwhile). The tables are dropped when the fit ends, whether it fails or not.
     */
    public static LassoResult fit(PsContext ps, JavaRDD<LabeledRow> data, int features, LassoParams params,
                                  String name) {
        if (features < 1) {
            throw new IllegalArgumentException("features : " + features + " (expected: >= 1)");
        }
        int m = params.candidates();
        LassoProtocol protocol = new LassoProtocol(name, features, m);
        try {
            protocol.rounds.create(ps);
            ScheduledRun<Integer, LassoResult> run = ps.runScheduled(data, new LassoWorker(protocol),
                    new LassoScheduler(protocol, params));
            return run.driver();
        } finally {
            protocol.rounds.drop(ps);
        }
    }
}
