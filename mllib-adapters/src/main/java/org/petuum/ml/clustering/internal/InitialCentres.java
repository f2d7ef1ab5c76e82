package org.petuum.ml.clustering.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;

/**
 * The initial centres, chosen by the workers together through tables: random points, or k-means|| (Bahmani et
 * al., 2012). In k-means|| every worker samples its own points in proportion to their squared distance from the
 * candidates so far, writes the sampled points to the candidates table, and finally counts how many of its points
 * each candidate is nearest to; every worker then reads the same weighted candidates and reduces them to {@code k}
 * centres with the same seed, so all start from the same centres. Only the candidates leave the partitions.
 *
 * <p>Runs in the worker's task thread; each step ends with {@link PsWorker#globalBarrier()}, so every worker takes
 * the same number of clocks here.
 */
final class InitialCentres {
    private static final Logger LOG = LogManager.getLogger(InitialCentres.class);
    /** Lloyd iterations of the local k-means on the weighted candidates, as MLlib does. */
    private static final int LOCAL_ITERATIONS = 30;

    private InitialCentres() {
    }

    static Centres choose(PsWorker worker, PointBlock points, FitPlan plan) {
        PsTable cand = worker.table(plan.candidates());
        // The driver drew the first point (or all k, for random initialisation); their owners publish them.
        for (int j = 0; j < plan.picks().length; j++) {
            long[] pick = plan.picks()[j];
            if (pick[0] == worker.id()) {
                cand.inc(j, points.toArray((int) pick[1]));
            }
        }
        worker.globalBarrier();
        double[][] first = cand.get(range(0, plan.picks().length));
        if (!plan.parallelInit()) {
            return new Centres(first);
        }
        return parallel(worker, points, plan, new ArrayList<>(Arrays.asList(first)));
    }

    private static Centres parallel(PsWorker worker, PointBlock points, FitPlan plan, List<double[]> candidates) {
        PsTable cand = worker.table(plan.candidates());
        PsTable control = worker.table(plan.control());
        int n = points.size();
        double[] cost = new double[n];
        Arrays.fill(cost, Double.POSITIVE_INFINITY);
        updateCosts(points, candidates, 0, cost);
        for (int step = 0; step < plan.initSteps(); step++) {
            double mine = 0;
            for (double c : cost) {
                mine += c;
            }
            control.inc(plan.costRow(step), 0, mine);
            worker.globalBarrier();
            double total = control.get(plan.costRow(step))[0];
            if (!(total > 0)) {
                break; // every point is a candidate already; every worker reads the same total and stops here
            }
            SplittableRandom rnd = new SplittableRandom(plan.seed() ^ ((long) step << 16) ^ worker.id());
            List<Integer> chosen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (rnd.nextDouble() < 2.0 * plan.k() * cost[i] / total) {
                    chosen.add(i);
                }
            }
            control.inc(plan.sampleCountRow(step), worker.id(), chosen.size());
            worker.globalBarrier();
            double[] counts = control.get(plan.sampleCountRow(step));
            int offset = 0;
            int sampled = 0;
            for (int w = 0; w < plan.workers(); w++) {
                offset += w < worker.id() ? (int) counts[w] : 0;
                sampled += (int) counts[w];
            }
            int base = 1 + step * plan.candidateCap();
            for (int j = 0; j < chosen.size() && offset + j < plan.candidateCap(); j++) {
                cand.inc(base + offset + j, points.toArray(chosen.get(j)));
            }
            int kept = Math.min(sampled, plan.candidateCap());
            if (kept < sampled && worker.id() == 0) {
                LOG.warn("k-means|| step {} sampled {} candidates; keeping the first {}", step, sampled, kept);
            }
            worker.globalBarrier();
            if (kept > 0) {
                int before = candidates.size();
                candidates.addAll(Arrays.asList(cand.get(range(base, kept))));
                updateCosts(points, candidates, before, cost);
            }
        }
        double[] weights = new double[plan.controlCols()];
        Centres all = new Centres(candidates.toArray(new double[0][]));
        double[] d = new double[1];
        for (int i = 0; i < n; i++) {
            weights[points.nearest(i, all, d)] += 1;
        }
        control.inc(plan.weightRow(), weights);
        worker.globalBarrier();
        double[] total = Arrays.copyOf(control.get(plan.weightRow()), candidates.size());
        return new Centres(LocalKMeans.centres(all.all(), total, plan.k(), plan.seed(), LOCAL_ITERATIONS));
    }

    /** Lowers each point's cost to its squared distance from candidates {@code from..} when nearer. */
    private static void updateCosts(PointBlock points, List<double[]> candidates, int from, double[] cost) {
        Centres added = new Centres(candidates.subList(from, candidates.size()).toArray(new double[0][]));
        for (int i = 0; i < points.size(); i++) {
            for (int c = 0; c < added.count(); c++) {
                cost[i] = Math.min(cost[i], points.squaredDistance(i, added, c, cost[i]));
            }
        }
    }

    private static int[] range(int from, int count) {
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            rows[i] = from + i;
        }
        return rows;
    }
}
