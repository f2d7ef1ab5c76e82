package org.petuum.bench.ssp;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.petuum.examples.data.RatingsData;
import org.petuum.examples.report.ConvergenceReport;
import org.petuum.ps.PsContext;
import org.petuum.ps.PsException;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * The harness of {@code bench ssp-straggler}: an SSP experiment, not the product's matrix factorisation (that is
 * {@code org.petuum.ml.recommendation.MatrixFactorization}). It keeps what the experiment needs and the estimator
 * does not offer: any consistency model of the item table, an injected straggler, and the workers' test error after
 * every clock.
 *
 * <p>Matrix factorisation in the Petuum style: item factors in an SSP table shared by all workers, user
 * factors local to the worker that owns the user (ratings are partitioned by user, so a user's factors
 * never travel), one SGD pass per clock.
 *
 * <p>The driver follows the run through a small progress table that every worker adds its error to at the
 * end of each clock: a clock is reported once all workers have added theirs.
 */
public final class MfJob {
    private static final long POLL_MS = 10;
    static final double ITEM_INIT_STD = 0.3;

    /** The outcome of a run. */
    public record Result(ConvergenceReport report, double finalTrainRmse, double finalTestRmse, double seconds,
                         double[][] itemRows, double[][] userRows, double mean) {
    }

    private MfJob() {
    }

    /**
     * Trains on {@code train}, evaluating on {@code test} after every clock, with {@code workers} workers.
     *
     * @param progressLine receives one line per completed clock, as it completes
     */
    public static Result run(SparkSession spark, RatingsData train, RatingsData test, MfOptions options,
                             int workers, Consumer<String> progressLine) {
        PsContext ps = PsContext.get(spark);
        if (workers > ps.taskSlots()) {
            throw new IllegalArgumentException("--workers : " + workers + " (expected: 1 <= workers <= "
                    + ps.taskSlots() + ", the task slots of this cluster)");
        }
        int numItems = Math.max(train.numItems(), test.numItems());
        int numUsers = Math.max(train.numUsers(), test.numUsers());
        String suffix = Long.toString(System.nanoTime(), 36);
        String itemTable = "mf-items-" + suffix;
        String progressTable = "mf-progress-" + suffix;
        ps.createTable(TableSpec.dense(itemTable, numItems, options.rank() + 1)
                .consistency(options.consistency()));
        ps.writeDense(itemTable, initialItemRows(numItems, options));
        ps.createTable(TableSpec.dense(progressTable, options.clocks(), MfWorker.PROGRESS_COLS)
                .consistency(Consistency.async()));
        try {
            MfPartition[] parts = MfPartition.byUser(train, test, workers);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            double mean = train.mean();
            ConvergenceReport report = new ConvergenceReport(options.clocks());
            long start = System.nanoTime();
            AtomicBoolean done = new AtomicBoolean();
            Thread watcher = new Thread(() -> watch(ps, progressTable, workers, report, start, done, progressLine),
                    "petuum-mf-progress");
            watcher.setDaemon(true);
            watcher.start();
            List<MfWorker.UserRows> users;
            try {
                // The ratings travel as a broadcast (through the block manager), not inside the tasks.
                Broadcast<MfPartition[]> shipped = jsc.broadcast(parts);
                try {
                    users = ps.runWorkers(jsc.parallelize(workerIds(workers), workers),
                            new MfWorker(options, mean, numItems, itemTable, progressTable, shipped));
                } finally {
                    shipped.destroy();
                }
            } finally {
                done.set(true);
                joinQuietly(watcher);
            }
            // Clocks that completed between the watcher's last look and the end of the run.
            reportCompleted(ps.read(progressTable), workers, report, start, progressLine);
            double seconds = (System.nanoTime() - start) / 1e9;
            double[][] itemRows = ps.readDense(itemTable);
            double[][] userRows = new double[numUsers][];
            for (MfWorker.UserRows u : users) {
                for (int k = 0; k < u.users().length; k++) {
                    userRows[u.users()[k]] = u.rows()[k];
                }
            }
            return new Result(report, rmse(train, userRows, itemRows, mean, options.rank()),
                    rmse(test, userRows, itemRows, mean, options.rank()), seconds, itemRows, userRows, mean);
        } finally {
            dropQuietly(ps, itemTable);
            dropQuietly(ps, progressTable);
        }
    }

    /**
     * Random item factors (uniform with standard deviation {@link #ITEM_INIT_STD}, seeded), zero biases. Starting
     * items away from zero lets sparse data, where each item has few ratings, learn factors from the first pass.
     */
    static double[][] initialItemRows(int numItems, MfOptions options) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        double halfWidth = ITEM_INIT_STD * Math.sqrt(3);
        double[][] rows = new double[numItems][options.rank() + 1];
        for (double[] row : rows) {
            for (int k = 0; k < options.rank(); k++) {
                row[k] = halfWidth * (2 * rng.nextDouble() - 1);
            }
        }
        return rows;
    }

    private static List<Integer> workerIds(int workers) {
        List<Integer> ids = new java.util.ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            ids.add(w);
        }
        return ids;
    }

    /** Root mean squared error of the model on {@code data}; NaN for no data. */
    public static double rmse(RatingsData data, double[][] userRows, double[][] itemRows, double mean, int rank) {
        double sse = 0;
        for (int n = 0; n < data.size(); n++) {
            double[] u = userRows[data.user(n)];
            double[] v = itemRows[data.item(n)];
            double pred = mean + u[rank] + v[rank];
            for (int k = 0; k < rank; k++) {
                pred += u[k] * v[k];
            }
            double e = data.rating(n) - pred;
            sse += e * e;
        }
        return Math.sqrt(sse / data.size());
    }

    private static void watch(PsContext ps, String table, int workers, ConvergenceReport report, long start,
                              AtomicBoolean done, Consumer<String> progressLine) {
        while (!done.get()) {
            try {
                reportCompleted(ps.read(table), workers, report, start, progressLine);
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (PsException e) {
                // The run's own failure is reported by the run; the watcher only stops looking.
                return;
            }
        }
    }

    private static synchronized void reportCompleted(RowValues[] rows, int workers, ConvergenceReport report,
                                                     long start, Consumer<String> progressLine) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (int c = report.rows().size(); c < rows.length; c++) {
            RowValues r = rows[c];
            if (r == null || r.get(MfWorker.WORKERS_DONE) < workers) {
                return;
            }
            double updates = 0;
            for (int k = 0; k <= c; k++) {
                updates += rows[k].get(MfWorker.TRAIN_N);
            }
            ConvergenceReport.Row row = report.add(c + 1,
                    Math.sqrt(r.get(MfWorker.TRAIN_SSE) / r.get(MfWorker.TRAIN_N)),
                    r.get(MfWorker.TEST_N) > 0 ? Math.sqrt(r.get(MfWorker.TEST_SSE) / r.get(MfWorker.TEST_N)) : Double.NaN,
                    elapsed, updates / elapsed);
            progressLine.accept(report.progressLine(row));
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void dropQuietly(PsContext ps, String table) {
        try {
            ps.dropTable(table);
        } catch (RuntimeException e) {
            org.apache.logging.log4j.LogManager.getLogger(MfJob.class).warn("could not drop table {}", table, e);
        }
    }
}
