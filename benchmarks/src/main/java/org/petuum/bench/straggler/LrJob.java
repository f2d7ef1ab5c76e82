package org.petuum.bench.straggler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.petuum.ps.PsContext;
import org.petuum.ps.PsException;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * One run of the straggler experiment: data-parallel logistic regression by SGD, the model one dense row of a
 * parameter-server table under the consistency model of the options, every worker's rows generated in its task.
 * Nothing but the options travels to the workers; nothing but progress comes back.
 *
 * <p>The driver follows the run through the progress table (see {@link LrWorker}): its clock starts when it sees
 * that every worker has its rows, and a clock counts as done when it sees every worker's report of it. It polls
 * every {@value #POLL_MS} ms, so both ends of a time are late by up to that. Blocks until the run ends.
 */
final class LrJob {
    private static final Logger LOG = LogManager.getLogger(LrJob.class);
    private static final long POLL_MS = 5;

    /**
     * One completed clock: how many clocks the model had seen, its mean held-out log loss, when, and the mean over
     * the workers of the staleness bound their reads of the clock accepted.
     */
    record Clock(int clocks, double objective, double seconds, double staleness) {
    }

    /**
     * The outcome of a run.
     *
     * @param clocks          one entry per clock, in order
     * @param trainingSeconds from the start of training to the end of the run
     * @param workMs          mean work of one worker's clock, ms (objective and SGD, no pause, no waiting)
     * @param waitMs          mean time one worker's clock waited for the table, ms
     * @param cpuMs           mean CPU time of one worker's clock's work, ms
     */
    record Result(List<Clock> clocks, double trainingSeconds, double workMs, double waitMs, double cpuMs) {
        /** The objective after the last clock. */
        double finalObjective() {
            return clocks.isEmpty() ? Double.POSITIVE_INFINITY : clocks.get(clocks.size() - 1).objective();
        }

        /** The workers' mean staleness bound of each clock, e.g. {@code 0 1 2 2.7 3}. */
        String stalenessPerClock() {
            StringBuilder sb = new StringBuilder();
            for (Clock c : clocks) {
                double s = c.staleness();
                sb.append(sb.length() == 0 ? "" : " ").append(s == Math.rint(s) ? Long.toString((long) s)
                        : String.format(java.util.Locale.ROOT, "%.1f", s));
            }
            return sb.toString();
        }

        /** The first clock whose objective is at most {@code target}, or null. */
        Clock firstReaching(double target) {
            for (Clock c : clocks) {
                if (c.objective() <= target) {
                    return c;
                }
            }
            return null;
        }

        /** Seconds to the first clock at or below {@code target}; infinity if none. */
        double secondsTo(double target) {
            Clock c = firstReaching(target);
            return c == null ? Double.POSITIVE_INFINITY : c.seconds();
        }
    }

    private LrJob() {
    }

    static Result run(SparkSession spark, LrOptions options, int workers) {
        PsContext ps = PsContext.get(spark);
        String suffix = Long.toString(System.nanoTime(), 36);
        String modelTable = "straggler-lr-" + suffix;
        String progressTable = "straggler-progress-" + suffix;
        ps.createTable(TableSpec.dense(modelTable, 1, options.dim()).consistency(options.consistency()));
        try {
            ps.createTable(TableSpec.dense(progressTable, options.clocks() + 1, LrWorker.PROGRESS_COLS)
                    .consistency(Consistency.async()));
            List<Integer> ids = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                ids.add(w);
            }
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Watcher watcher = new Watcher(ps, progressTable, options.clocks(), workers);
            Thread thread = new Thread(watcher, "petuum-straggler-progress");
            thread.setDaemon(true);
            thread.start();
            try {
                ps.runWorkers(jsc.parallelize(ids, workers), new LrWorker(options, modelTable, progressTable));
            } finally {
                watcher.done.set(true);
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            long end = System.nanoTime();
            RowValues[] rows = ps.read(progressTable);
            watcher.look(rows, end);
            if (watcher.start == 0 || watcher.clocks.size() != options.clocks()) {
                throw new IllegalStateException("the run ended with " + watcher.clocks.size() + " of "
                        + options.clocks() + " clocks reported");
            }
            double work = 0;
            double wait = 0;
            double cpu = 0;
            for (int c = 0; c < options.clocks(); c++) {
                work += rows[c].get(LrWorker.WORK_NS);
                wait += rows[c].get(LrWorker.WAIT_NS);
                cpu += rows[c].get(LrWorker.CPU_NS);
            }
            double perClock = 1e6 * workers * options.clocks();
            return new Result(List.copyOf(watcher.clocks), (end - watcher.start) / 1e9, work / perClock,
                    wait / perClock, cpu / perClock);
        } finally {
            drop(ps, modelTable);
            drop(ps, progressTable);
        }
    }

    private static void drop(PsContext ps, String table) {
        try {
            ps.dropTable(table);
        } catch (RuntimeException e) {
            LOG.warn("could not drop table {}", table, e);
        }
    }

    /** Polls the progress table and time-stamps each clock when it sees it complete. */
    private static final class Watcher implements Runnable {
        final AtomicBoolean done = new AtomicBoolean();
        final List<Clock> clocks = new ArrayList<>();
        private final PsContext ps;
        private final String table;
        private final int total;
        private final int workers;
        volatile long start;

        Watcher(PsContext ps, String table, int total, int workers) {
            this.ps = ps;
            this.table = table;
            this.total = total;
            this.workers = workers;
        }

        @Override
        public void run() {
            while (!done.get()) {
                try {
                    look(ps.read(table), System.nanoTime());
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (PsException e) {
                    // The run reports its own failure; the watcher only stops looking.
                    LOG.debug("progress watcher stopped", e);
                    return;
                }
            }
        }

        /** Records what {@code rows}, read at {@code now}, shows that was not recorded yet. */
        synchronized void look(RowValues[] rows, long now) {
            if (start == 0) {
                RowValues ready = rows[total];
                if (ready == null || ready.get(LrWorker.WORKERS_DONE) < workers) {
                    return;
                }
                start = now;
            }
            for (int c = clocks.size(); c < total; c++) {
                RowValues r = rows[c];
                if (r == null || r.get(LrWorker.WORKERS_DONE) < workers) {
                    return;
                }
                clocks.add(new Clock(c + 1, r.get(LrWorker.LOSS_SUM) / r.get(LrWorker.LOSS_N),
                        (now - start) / 1e9, r.get(LrWorker.STALENESS) / r.get(LrWorker.WORKERS_DONE)));
            }
        }
    }
}
