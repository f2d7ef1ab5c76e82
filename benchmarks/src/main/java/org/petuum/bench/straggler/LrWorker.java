package org.petuum.bench.straggler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.petuum.bench.Straggling;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.WorkerFunction;

/**
 * One worker of the straggler experiment: generates its rows where it runs, then every clock reads the model
 * (row 0 of the model table, as fresh as the table's consistency model guarantees), measures the held-out log
 * loss of what it read, takes plain SGD steps on one slice of its rows starting from it, and adds its change of the
 * model, divided by the number of workers, to the table. The straggler sleeps after its work of a clock, before ending it.
 *
 * <p>Progress: at the start of clock {@code c + 1} (and once after the last clock) a worker adds to row {@code c}
 * of the progress table the log loss of the model it read after {@code c + 1} clocks, the work time of clock
 * {@code c} (objective and SGD, without the straggler's pause), its time waiting for the table, a count of 1, and
 * the CPU time of that work (less than the work time when the task shares its core), and the staleness bound its
 * reads of clock {@code c} accepted (under {@code SSP_AUTO} the one in force then).
 * Row {@code clocks} counts the workers that have generated their rows.
 */
final class LrWorker implements WorkerFunction<Integer, Long> {
    private static final long serialVersionUID = 1L;

    static final int LOSS_SUM = 0;
    static final int LOSS_N = 1;
    static final int WORK_NS = 2;
    static final int WAIT_NS = 3;
    static final int WORKERS_DONE = 4;
    static final int CPU_NS = 5;
    static final int STALENESS = 6;
    static final int PROGRESS_COLS = 7;

    private final LrOptions options;
    private final String modelTable;
    private final String progressTable;

    LrWorker(LrOptions options, String modelTable, String progressTable) {
        this.options = options;
        this.modelTable = modelTable;
        this.progressTable = progressTable;
    }

    /** Returns this worker's rows visited in all. */
    @Override
    public Long run(PsWorker worker, Iterator<Integer> partition) {
        int id = worker.id();
        int dim = options.dim();
        GeneratedRows train = GeneratedRows.generate(options.seed(), 2L * id, options.rows(), dim,
                options.marginScale());
        GeneratedRows held = GeneratedRows.generate(options.seed(), 2L * id + 1, options.evalRows(), dim,
                options.marginScale());
        PsTable model = worker.table(modelTable);
        PsTable progress = worker.table(progressTable);
        progress.inc(options.clocks(), WORKERS_DONE, 1);
        // Everybody starts training together, after every worker's rows exist; the driver's clock starts here too.
        worker.globalBarrier();

        SplittableRandom rng = new SplittableRandom(options.seed() * 17 + id);
        int[] order = new int[train.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int perPass = options.clocksPerPass();
        long visited = 0;
        long lastWorkNs = 0;
        long lastCpuNs = 0;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long waitedBefore = worker.waitNanos();
        int lastBound = 0;
        for (int c = 0; ; c++) {
            int bound = model.staleness();
            double[] seen = model.get(0);
            long workStart = System.nanoTime();
            long cpuStart = cpu.getCurrentThreadCpuTime();
            if (c > 0) {
                double loss = held.logLossSum(seen);
                long waited = worker.waitNanos();
                progress.inc(c - 1, new double[] {loss, held.rows(), lastWorkNs, waited - waitedBefore, 1,
                        lastCpuNs, lastBound});
                waitedBefore = waited;
            }
            lastBound = bound;
            if (c == options.clocks()) {
                worker.clock();
                return visited;
            }
            int slice = c % perPass;
            if (slice == 0) {
                Straggling.shuffle(order, rng);
            }
            int from = (int) ((long) order.length * slice / perPass);
            int to = (int) ((long) order.length * (slice + 1) / perPass);
            double[] w = seen.clone();
            visited += train.sgd(order, from, to, w, options.learningRateAt(c));
            // Every worker starts its clock's steps from (about) the same model and walks most of the way to its own
            // rows' optimum; adding the workers' whole moves would overshoot by the number of workers, so each adds
            // its share of their mean (model averaging), under every consistency model alike.
            double share = 1.0 / worker.numWorkers();
            for (int j = 0; j < dim; j++) {
                w[j] = (w[j] - seen[j]) * share;
            }
            model.inc(0, w);
            lastWorkNs = System.nanoTime() - workStart;
            lastCpuNs = cpu.getCurrentThreadCpuTime() - cpuStart;
            double pause = options.straggler().pauseFactor(id, c);
            if (pause > 0) {
                Straggling.sleepFor((long) (pause * lastWorkNs));
            }
            worker.clock();
        }
    }
}
