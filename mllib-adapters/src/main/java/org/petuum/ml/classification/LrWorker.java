package org.petuum.ml.classification;

import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.WorkerFunction;

/**
 * One worker of a logistic-regression fit: loads its partition once, then runs one clock per mini-batch for up to
 * {@code maxPasses} passes: read the model (within the table's staleness), compute the batch's gradient, push it
 * (a gradient for a shard-side optimizer, a step for SGD), clock.
 *
 * <p><b>Stopping.</b> At the end of each pass a worker adds its pass loss to the progress table. At the end of pass
 * {@code p} it waits until every other worker has finished pass {@code p - 1} (one pass of slack, not a barrier)
 * and compares the objectives of passes {@code p - 2} and {@code p - 1}: every worker reads the same complete
 * cells, so all stop after the same pass and none waits for a worker that has stopped.
 *
 * <p>Clocks are numbered from {@link PsWorker#currentClock()}, so a run restored from a checkpoint resumes at the
 * right pass and batch. Returns the number of passes run.
 */
final class LrWorker implements WorkerFunction<Row, Integer> {
    private static final long serialVersionUID = 1L;
    private final LrPlan plan;

    LrWorker(LrPlan plan) {
        this.plan = plan;
    }

    @Override
    public Integer run(PsWorker worker, Iterator<Row> rows) {
        LrPartition data = LrPartition.load(rows, plan.scale);
        PsTable model = worker.table(plan.modelTable);
        PsTable progress = worker.table(plan.progressTable);
        LrGradient gradient = new LrGradient(plan);
        Pusher pusher = new Pusher(plan, model);
        double[] w = new double[(int) plan.cells()];
        int[] allRows = plan.allRows();
        int[] order = new int[data.size];
        int bpp = plan.batchesPerPass;
        int batchSize = (data.size + bpp - 1) / bpp;
        boolean denseRegulariser = plan.regParam > 0;
        double passLoss = 0;
        for (int c = worker.currentClock(); c < plan.clocks(); c++) {
            int pass = c / bpp;
            int batch = c % bpp;
            if (batch == 0 || c == worker.currentClock()) {
                shuffle(order, new SplittableRandom(plan.seed * 1_000_003L + worker.id() * 7919L + pass));
                passLoss = 0;
            }
            int from = Math.min(data.size, batch * batchSize);
            int to = Math.min(data.size, from + batchSize);
            plan.fromRows(model.get(allRows), w);
            if (to > from) {
                passLoss += gradient.compute(data, order, from, to, w, denseRegulariser);
                pusher.push(gradient, denseRegulariser, pass);
            }
            if (batch == bpp - 1) {
                progress.inc(0, pass, passLoss + gradient.penalty(w) * data.size);
            }
            worker.clock();
            if (batch == bpp - 1 && converged(worker, progress, pass)) {
                return pass + 1;
            }
        }
        return plan.maxPasses;
    }

    /** Whether the objective changed by at most {@code tol} (relative) from pass {@code pass - 2} to {@code pass - 1}. */
    private boolean converged(PsWorker worker, PsTable progress, int pass) {
        if (plan.tol <= 0 || pass < 2) {
            return false;
        }
        worker.awaitOthers(pass * plan.batchesPerPass);
        double[] sums = progress.get(0);
        double before = sums[pass - 2] / plan.numExamples;
        double last = sums[pass - 1] / plan.numExamples;
        return Math.abs(before - last) <= plan.tol * Math.max(Math.abs(before), 1e-12);
    }

    /** Fisher-Yates over {@code 0 .. order.length - 1}. */
    private static void shuffle(int[] order, SplittableRandom random) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /**
     * Sends a batch's gradient to the model table, row by row: whole rows when every cell changed (a dense
     * penalty), else only the cells of the touched features and the intercepts.
     */
    private static final class Pusher {
        private final LrPlan plan;
        private final PsTable table;
        private final double[] rowBuffer;
        private final int[][] cols;
        private final double[][] values;
        private final int[] counts;

        Pusher(LrPlan plan, PsTable table) {
            this.plan = plan;
            this.table = table;
            this.rowBuffer = new double[plan.rowCells];
            this.cols = new int[plan.rows][];
            this.values = new double[plan.rows][];
            this.counts = new int[plan.rows];
        }

        void push(LrGradient g, boolean dense, int pass) {
            double factor = plan.optimizer.onShards() ? 1.0 : -plan.stepSize / Math.sqrt(1.0 + pass);
            if (dense) {
                for (int r = 0; r < plan.rows; r++) {
                    int from = r * plan.rowCells;
                    int n = Math.min(plan.rowCells, g.grad.length - from);
                    for (int i = 0; i < n; i++) {
                        rowBuffer[i] = g.grad[from + i] * factor;
                    }
                    Arrays.fill(rowBuffer, n, plan.rowCells, 0.0);
                    table.inc(r, rowBuffer);
                }
                return;
            }
            Arrays.fill(counts, 0);
            int sets = plan.sets;
            for (int t = 0; t < g.touchedCount; t++) {
                add(g, g.touched[t] * sets, sets, factor);
            }
            if (plan.fitIntercept) {
                add(g, plan.interceptOffset(), sets, factor);
            }
            for (int r = 0; r < plan.rows; r++) {
                if (counts[r] > 0) {
                    table.inc(r, Arrays.copyOf(cols[r], counts[r]), Arrays.copyOf(values[r], counts[r]));
                }
            }
        }

        /** Queues cells {@code cell .. cell + n - 1} (one feature's classes: never across a row boundary). */
        private void add(LrGradient g, int cell, int n, double factor) {
            int r = cell / plan.rowCells;
            if (cols[r] == null || counts[r] + n > cols[r].length) {
                int cap = Math.max(64, (counts[r] + n) * 2);
                cols[r] = cols[r] == null ? new int[cap] : Arrays.copyOf(cols[r], cap);
                values[r] = values[r] == null ? new double[cap] : Arrays.copyOf(values[r], cap);
            }
            int col = cell - r * plan.rowCells;
            for (int k = 0; k < n; k++) {
                cols[r][counts[r]] = col + k;
                values[r][counts[r]++] = g.grad[cell + k] * factor;
            }
        }
    }
}
