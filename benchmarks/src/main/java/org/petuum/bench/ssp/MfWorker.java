package org.petuum.bench.ssp;

import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.broadcast.Broadcast;
import org.petuum.bench.Straggling;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.WorkerFunction;

/**
 * One worker of the factorisation: owns its users' factors, reads the item rows it needs from the SSP table
 * at the start of each clock, takes SGD steps on one slice of its ratings, and pushes its share of the item
 * steps. Right after reading it adds the errors of the previous clock to the progress table, which the
 * driver watches. For experiments, worker 0 can be made a straggler ({@link MfOptions#stragglerSlowdown()}).
 */
final class MfWorker implements WorkerFunction<Integer, MfWorker.UserRows> {
    private static final long serialVersionUID = 1L;

    /** Progress table columns: what one worker adds per clock. */
    static final int TRAIN_SSE = 0;
    static final int TRAIN_N = 1;
    static final int TEST_SSE = 2;
    static final int TEST_N = 3;
    static final int WORKERS_DONE = 4;
    static final int PROGRESS_COLS = 5;

    /** A worker's learned user rows: {@code rows[k]} is dense user {@code users[k]}, factors then bias. */
    record UserRows(int[] users, double[][] rows) implements java.io.Serializable {
    }

    private final MfOptions options;
    private final double mean;
    private final int numItems;
    private final String itemTable;
    private final String progressTable;
    private final Broadcast<MfPartition[]> partitions;

    MfWorker(MfOptions options, double mean, int numItems, String itemTable, String progressTable,
             Broadcast<MfPartition[]> partitions) {
        this.partitions = partitions;
        this.options = options;
        this.mean = mean;
        this.numItems = numItems;
        this.itemTable = itemTable;
        this.progressTable = progressTable;
    }

    @Override
    public UserRows run(PsWorker worker, Iterator<Integer> partition) {
        MfPartition p = partitions.value()[partition.next()];
        int rank = options.rank();
        SgdKernel kernel = new SgdKernel(p.numUsers(), rank, mean, 0.1, options.seed() * 31 + worker.id());
        PsTable items = worker.table(itemTable);
        PsTable progress = worker.table(progressTable);
        SplittableRandom rng = new SplittableRandom(options.seed() * 17 + worker.id());
        int[] order = new int[p.trainRatings().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[][] itemRows = new double[numItems][];
        // Each worker's steps move the items towards what its own users want; pushing the mean of the workers'
        // moves rather than their sum keeps items that every worker touches (their biases above all) from
        // overshooting, and several clocks per pass let the workers see each other's moves often.
        double share = 1.0 / worker.numWorkers();
        int perPass = options.clocksPerPass();
        double onlineSse = 0;
        int onlineN = 0;
        boolean straggler = worker.id() == 0 && options.stragglerSlowdown() > 1;
        for (int c = 0; ; c++) {
            double[][] fetched = items.get(p.items());
            long workStart = System.nanoTime();
            for (int k = 0; k < fetched.length; k++) {
                itemRows[p.items()[k]] = fetched[k];
            }
            if (c > 0) {
                // Clock c - 1: its training error as the steps were taken, its test error as the model is now
                // seen by this worker (within the staleness bound).
                double testSse = kernel.sse(p.testUsers(), p.testItems(), p.testRatings(), itemRows);
                progress.inc(c - 1, new double[] {onlineSse, onlineN, testSse, p.testRatings().length, 1});
            }
            if (c == options.clocks()) {
                worker.clock();
                break;
            }
            int slice = c % perPass;
            if (slice == 0) {
                Straggling.shuffle(order, rng);
            }
            int from = (int) ((long) order.length * slice / perPass);
            int to = (int) ((long) order.length * (slice + 1) / perPass);
            double[][] delta = new double[numItems][];
            onlineSse = kernel.pass(p.trainUsers(), p.trainItems(), p.trainRatings(), order, from, to, itemRows, delta,
                    options.learningRateAt(c), options.lambda());
            onlineN = to - from;
            for (int i : p.items()) {
                if (delta[i] != null) {
                    double[] d = delta[i];
                    for (int k = 0; k < d.length; k++) {
                        d[k] *= share;
                    }
                    items.inc(i, d);
                }
            }
            if (straggler) {
                Straggling.sleepFor((long) ((options.stragglerSlowdown() - 1) * (System.nanoTime() - workStart)));
            }
            worker.clock();
        }
        double[][] rows = new double[p.numUsers()][];
        for (int u = 0; u < rows.length; u++) {
            rows[u] = kernel.userRow(u);
        }
        return new UserRows(p.globalUsers(), rows);
    }
}
