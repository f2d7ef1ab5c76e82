package org.petuum.ml.recommendation;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.WorkerFunction;
import org.petuum.scheduler.RotationSchedule;

/**
 * One worker of a fit: reads its partition of the ratings (the users hashed to it) once, owns those users'
 * factors, and reads and updates item rows in the item table, clock by clock.
 *
 * <ul>
 *   <li>SSP: each clock visits one slice of the worker's ratings; the worker reads the rows of every item it rates,
 *       steps, and pushes the mean of the workers' moves ({@code 1 / workers} of its own), so items that every worker
 *       touches do not overshoot.</li>
 *   <li>Rotation (STRADS): the items are dealt into one block per worker; in round {@code r} worker {@code w} owns
 *       block {@link RotationSchedule#blockOf} and steps only on its ratings of that block's items, pushing its full
 *       moves. One round is one clock of a BSP table, so the next owner of a block reads every step of the last.</li>
 * </ul>
 * If a run is relaunched from a checkpoint, the worker goes on from the checkpoint's clock with fresh user factors
 * (they are not in a table), which the following passes learn again.
 */
final class MfWorkerFunction implements WorkerFunction<Row, MfWorkerFunction.Result> {
    private static final long serialVersionUID = 1L;

    /**
     * What a worker sends back: its users' learned rows (factors then bias, standard units), the items it rated,
     * per pass the squared training error as the steps were taken and the seconds from the worker's start to the
     * pass's end, and under rotation, per round, the lowest and
     * highest item block among the item rows it pushed ({@code -1} when it pushed none).
     */
    record Result(int[] userIds, double[][] userRows, int[] items, double[] passSse, long[] passCount,
                  double[] passEndSeconds, int[][] pushedBlocks) implements Serializable {
    }

    private final MfSettings s;

    MfWorkerFunction(MfSettings settings) {
        this.s = settings;
    }

    @Override
    public Result run(PsWorker worker, Iterator<Row> partition) {
        long start = System.nanoTime();
        LocalRatings data = LocalRatings.read(partition, s.mean(), s.std(), s.workers());
        SgdKernel kernel = new SgdKernel(data.userIds.length, s.rank(), s.initStd(), s.seed() * 31 + worker.id());
        SplittableRandom rng = new SplittableRandom(s.seed() * 17 + worker.id());
        PsTable items = worker.table(s.itemTable());
        double[] passSse = new double[s.passes()];
        long[] passCount = new long[s.passes()];
        double[] passEnd = new double[s.passes()];
        int[][] pushed = new int[s.rotation() ? s.clocks() : 0][];
        int[] order = identity(data.size());
        double[][] initial = new double[data.distinctItems.length][];
        double[] itemBiasLambda = new double[data.distinctItems.length];
        for (int k = 0; k < initial.length; k++) {
            initial[k] = SgdKernel.initialItemRow(s.seed(), data.distinctItems[k], s.rank(), s.initStd());
            itemBiasLambda[k] = s.biasRegParam() / Math.max(1, s.itemCount(data.distinctItems[k]));
        }
        double[] userBiasLambda = new double[data.userIds.length];
        for (int u = 0; u < userBiasLambda.length; u++) {
            userBiasLambda[u] = s.biasRegParam() / data.userCounts[u];
        }
        RotationSchedule rotation = s.rotation() ? new RotationSchedule(s.workers(), s.workers()) : null;
        for (int c = worker.currentClock(); c < s.clocks(); c++) {
            int pass = c / s.clocksOfPass();
            int slice = c % s.clocksOfPass();
            double eta = s.stepAt(pass);
            int from;
            int to;
            int[] rows;
            double share;
            if (rotation != null) {
                int block = rotation.blockOf(worker.id(), c);
                from = data.blockStart[block];
                to = data.blockStart[block + 1];
                shuffle(data.byBlock, from, to, rng);
                order = data.byBlock;
                rows = data.blockItems[block];
                share = 1;
            } else {
                if (slice == 0) {
                    shuffle(order, 0, order.length, rng);
                }
                from = (int) ((long) order.length * slice / s.clocksPerPass());
                to = (int) ((long) order.length * (slice + 1) / s.clocksPerPass());
                rows = data.distinctItems;
                share = 1.0 / s.workers();
            }
            double[][] fetched = rows.length == 0 ? new double[0][] : items.get(rows);
            for (int k = 0; k < rows.length; k++) {
                double[] init = initial[Arrays.binarySearch(data.distinctItems, rows[k])];
                for (int j = 0; j < init.length; j++) {
                    fetched[k][j] += init[j];
                }
            }
            double[][] delta = new double[fetched.length][];
            double sse = 0;
            for (int p = from; p < to; p++) {
                int n = order[p];
                int k = rotation != null ? data.blockIndex[n] : data.itemIndex[n];
                if (delta[k] == null) {
                    delta[k] = new double[s.rank() + 1];
                }
                int u = data.users[n];
                double e = kernel.step(u, data.z[n], fetched[k], delta[k], share, eta, s.regParam(),
                        userBiasLambda[u], itemBiasLambda[data.itemIndex[n]]);
                sse += e * e;
            }
            passSse[pass] += sse * s.std() * s.std();
            passCount[pass] += to - from;
            int lo = Integer.MAX_VALUE;
            int hi = -1;
            for (int k = 0; k < rows.length; k++) {
                if (delta[k] != null) {
                    items.inc(rows[k], delta[k]);
                    int b = LocalRatings.block(rows[k], s.workers());
                    lo = Math.min(lo, b);
                    hi = Math.max(hi, b);
                }
            }
            if (rotation != null) {
                pushed[c] = hi < 0 ? new int[] {-1, -1} : new int[] {lo, hi};
            }
            worker.clock();
            if (slice == s.clocksOfPass() - 1) {
                passEnd[pass] = (System.nanoTime() - start) / 1e9;
            }
        }
        double[][] userRows = new double[data.userIds.length][];
        for (int u = 0; u < userRows.length; u++) {
            userRows[u] = kernel.userRow(u);
        }
        return new Result(data.userIds, userRows, data.distinctItems, passSse, passCount, passEnd, pushed);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffle(int[] a, int from, int to, SplittableRandom rng) {
        for (int i = to - 1; i > from; i--) {
            int j = from + rng.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
