package org.petuum.scheduler.lasso;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.petuum.ps.PsContext;
import org.petuum.ps.ScheduledRun;

/**
 * Lasso by scheduled coordinate descent (STRADS): the rows of the data are partitioned across the workers, one per
 * partition; a scheduler on the driver picks the coordinates of each round (see {@link LassoScheduler}) and the
 * workers compute their rows' share of each coordinate's update. Rounds travel over the parameter server's
 * connections (see {@link org.petuum.scheduler.Rounds}).
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
        if (features < 1) {
            throw new IllegalArgumentException("features : " + features + " (expected: >= 1)");
        }
        int m = params.candidates();
        LassoProtocol protocol = new LassoProtocol("lasso-" + RUNS.incrementAndGet() + "-" + System.nanoTime(),
                features, m);
        protocol.rounds.create(ps);
        try {
            ScheduledRun<Integer, LassoResult> run = ps.runScheduled(data, new LassoWorker(protocol),
                    new LassoScheduler(protocol, params));
            return run.driver();
        } finally {
            protocol.rounds.drop(ps);
        }
    }
}
