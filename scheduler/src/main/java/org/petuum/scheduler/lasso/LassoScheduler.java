package org.petuum.scheduler.lasso;

import java.util.ArrayList;
import java.util.List;
import org.petuum.ps.DriverFunction;
import org.petuum.ps.PsWorker;
import org.petuum.scheduler.DependencyFilter;
import org.petuum.scheduler.PrioritySchedule;
import org.petuum.scheduler.RandomSchedule;
import org.petuum.scheduler.Rounds;
import org.petuum.scheduler.VariableSchedule;

/**
 * The Lasso's scheduler, on the driver: owns {@code beta}, chooses each round's variables, aggregates the workers'
 * partial inner products and commits the new values.
 *
 * <p>A round: the schedule draws {@code m} candidates; the workers push {@code x_j . r} for each and
 * {@code x_a . x_b} for each pair (over their rows); the dependency filter keeps candidates whose correlation with
 * every earlier kept one is below the threshold; the kept ones are updated in order by exact coordinate minimisation
 * (soft-thresholding), each corrected for the changes before it through the pushed Gram entries, so a round is
 * exactly a sequence of coordinate descent steps and the objective never rises. A full pass every so often
 * ({@code X^T r}) measures how far from optimal {@code beta} is, refreshes every priority, and decides when to stop.
 *
 * <p>Runs on the run's driver thread only.
 */
final class LassoScheduler implements DriverFunction<LassoResult> {
    private final LassoProtocol protocol;
    private final LassoParams params;

    LassoScheduler(LassoProtocol protocol, LassoParams params) {
        this.protocol = protocol;
        this.params = params;
    }

    @Override
    public LassoResult run(PsWorker self) {
        final int d = protocol.features;
        final int m = protocol.candidates;
        final double lambda = params.lambda();
        Rounds.Driver rounds = protocol.rounds.driver(self);
        long t0 = System.nanoTime();

        rounds.publish(new double[] {LassoProtocol.SETUP});
        double[] norms = rounds.pull(LassoProtocol.WIDE);
        double[] head = rounds.pull(LassoProtocol.NARROW);
        int n = (int) Math.round(head[1]);
        if (n == 0) {
            throw new IllegalArgumentException("the data has no rows");
        }
        double[] c = new double[d];
        for (int j = 0; j < d; j++) {
            c[j] = norms[j] / n;
        }
        double[] beta = new double[d];
        Pending pending = new Pending(m);

        rounds.publish(new double[] {LassoProtocol.FULL});
        double[] g = rounds.pull(LassoProtocol.WIDE);
        double rr = rounds.pull(LassoProtocol.NARROW)[0];
        double lambdaMax = 0;
        double[] first = new double[d];
        double largest = 0;
        for (int j = 0; j < d; j++) {
            lambdaMax = Math.max(lambdaMax, Math.abs(g[j]) / n);
            if (c[j] > 0) {
                double step = LassoMath.coordinateMinimiser(g[j] / n, c[j], 0, lambda);
                first[j] = step * step;
                largest = Math.max(largest, first[j]);
            }
        }
        VariableSchedule schedule = params.schedule() == LassoParams.Schedule.DYNAMIC
                ? new PrioritySchedule(d, Math.max(largest, 1e-300) * params.etaRelative(), first, params.seed())
                : new RandomSchedule(d, params.seed());
        DependencyFilter filter = new DependencyFilter(
                params.schedule() == LassoParams.Schedule.DYNAMIC ? params.correlationThreshold() : 1.0);
        int schedulable = 0;
        for (int j = 0; j < d; j++) {
            schedule.setSchedulable(j, c[j] > 0);
            schedulable += c[j] > 0 ? 1 : 0;
        }
        int checkEvery = params.checkEvery() > 0 ? params.checkEvery()
                : Math.max(10, Math.min(200, (schedulable + m - 1) / m));

        List<LassoResult.TracePoint> trace = new ArrayList<>();
        double f = LassoMath.objective(rr, n, beta, lambda);
        trace.add(new LassoResult.TracePoint(2, 0, System.nanoTime() - t0, f));
        long updates = 0;
        int round = 2;
        int fullPasses = 1;
        int sinceFull = 0;
        double recentFall = 0;
        boolean converged = false;
        double[] gramScratch = null;
        while (true) {
            if (g != null) {
                // A full pass: g = X^T r at the current beta. Converged if no coordinate could lower F enough.
                double best = 0;
                for (int j = 0; j < d; j++) {
                    if (c[j] == 0) {
                        continue;
                    }
                    double b1 = LassoMath.coordinateMinimiser(g[j] / n, c[j], beta[j], lambda);
                    best = Math.max(best, LassoMath.decrease(g[j] / n, c[j], beta[j], b1, lambda));
                    schedule.expected(j, b1 - beta[j]);
                }
                f = LassoMath.objective(rr, n, beta, lambda);
                g = null;
                sinceFull = 0;
                recentFall = 0;
                if (best <= params.tolerance() * Math.max(f, Double.MIN_NORMAL)) {
                    converged = true;
                    break;
                }
            }
            if (round >= params.maxRounds()) {
                break;
            }
            // A pass is due every checkEvery rounds, and sooner once rounds stop paying: the schedule may then be
            // working from stale priorities, or beta may have converged.
            boolean full = sinceFull >= checkEvery
                    || (sinceFull >= 5 && recentFall <= params.tolerance() * f * sinceFull);
            if (full) {
                rounds.publish(pending.assignment(LassoProtocol.FULL, new int[0], m));
                pending.clear();
                g = rounds.pull(LassoProtocol.WIDE);
                rr = rounds.pull(LassoProtocol.NARROW)[0];
                fullPasses++;
                round++;
                trace.add(new LassoResult.TracePoint(round, updates, System.nanoTime() - t0,
                        LassoMath.objective(rr, n, beta, lambda)));
                continue;
            }
            int[] cand = schedule.select(m);
            int k = cand.length;
            rounds.publish(pending.assignment(LassoProtocol.UPDATE, cand, m));
            pending.clear();
            double[] res = rounds.pull(LassoProtocol.NARROW);
            round++;
            sinceFull++;
            int base = LassoProtocol.NARROW_HEADER + m;
            int[] kept = filter.accept(k, (a, b) -> {
                int lo = Math.min(a, b);
                int hi = Math.max(a, b);
                double gab = res[base + ColumnBlock.pairIndex(lo, hi, k)];
                return gab / Math.sqrt(norms[cand[lo]] * norms[cand[hi]]);
            });
            double fell = 0;
            double[] change = new double[kept.length];
            for (int i = 0; i < kept.length; i++) {
                int a = kept[i];
                int j = cand[a];
                double dot = res[LassoProtocol.NARROW_HEADER + a];
                for (int e = 0; e < i; e++) {
                    int b = kept[e];
                    if (change[e] != 0) {
                        dot -= res[base + ColumnBlock.pairIndex(Math.min(a, b), Math.max(a, b), k)] * change[e];
                    }
                }
                double gj = dot / n;
                double b1 = LassoMath.coordinateMinimiser(gj, c[j], beta[j], lambda);
                change[i] = b1 - beta[j];
                fell += LassoMath.decrease(gj, c[j], beta[j], b1, lambda);
                beta[j] = b1;
                schedule.updated(j, change[i]);
                if (change[i] != 0) {
                    pending.add(j, change[i]);
                }
            }
            updates += kept.length;
            f -= fell;
            recentFall += fell;
            trace.add(new LassoResult.TracePoint(round, updates, System.nanoTime() - t0, f));
        }
        rounds.finish(new double[] {LassoProtocol.STOP});
        return new LassoResult(beta, f, lambdaMax, round, fullPasses, updates, converged, trace);
    }

    /** The changes committed in a round, told to the workers with the next assignment. */
    private static final class Pending {
        private final int[] ids;
        private final double[] deltas;
        private int size;

        Pending(int m) {
            ids = new int[m];
            deltas = new double[m];
        }

        void add(int j, double delta) {
            ids[size] = j;
            deltas[size++] = delta;
        }

        void clear() {
            size = 0;
        }

        double[] assignment(int command, int[] candidates, int m) {
            double[] a = new double[LassoProtocol.HEADER + 3 * m];
            a[0] = command;
            a[1] = candidates.length;
            a[2] = size;
            for (int i = 0; i < candidates.length; i++) {
                a[LassoProtocol.HEADER + i] = candidates[i];
            }
            for (int i = 0; i < size; i++) {
                a[LassoProtocol.HEADER + m + i] = ids[i];
                a[LassoProtocol.HEADER + 2 * m + i] = deltas[i];
            }
            return a;
        }
    }
}
