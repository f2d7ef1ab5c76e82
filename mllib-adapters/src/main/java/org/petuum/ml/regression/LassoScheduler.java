package org.petuum.ml.regression;

import java.util.ArrayList;
import java.util.List;
import org.petuum.ps.DriverFunction;
import org.petuum.ps.PsWorker;
import org.petuum.scheduler.CyclicSchedule;
import org.petuum.scheduler.PrioritySchedule;
import org.petuum.scheduler.RandomSchedule;
import org.petuum.scheduler.Rounds;
import org.petuum.scheduler.VariableSchedule;

/**
 * The Lasso's scheduler, on the driver: owns {@code beta}, chooses each round's block of coordinates, aggregates the
 * workers' partial inner products and commits the new values.
 *
 * <p>A round: the schedule chooses a block of {@code m} coordinates; the workers push {@code x_j . r} for each and
 * {@code x_a . x_b} for each pair (over their rows, in one pass); the driver solves the block by exact coordinate
 * minimisation corrected through the block's Gram matrix ({@link BlockSolver}), so the objective never rises, and
 * the dynamic schedule's priorities follow the changes squared. A full pass every so often ({@code X^T r}) measures
 * the duality gap, refreshes every priority, and decides when to stop.
 *
 * <p>With an intercept, the problem is solved on centred data without centring it: the workers keep
 * {@code r' = y - X beta} on their sparse rows, and the driver corrects every sum they push with the column sums
 * ({@code x_j . r = x_j . r' - mean(r') sum(x_j)}, and alike for the Gram entries and norms).
 *
 * <p>Runs on the run's driver thread only.
 */
final class LassoScheduler implements DriverFunction<LassoResult> {
    /** A centred column whose squared norm is below this fraction of its raw one is constant: it never moves. */
    private static final double CONSTANT_COLUMN = 1e-12;

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
        final boolean intercept = params.fitIntercept();
        Rounds.Driver rounds = protocol.rounds.driver(self);
        long t0 = System.nanoTime();

        rounds.publish(new double[] {LassoProtocol.SETUP});
        double[] norms = rounds.pull(LassoProtocol.WIDE);
        double[] sums = rounds.pull(LassoProtocol.SUMS);
        double[] head = rounds.pull(LassoProtocol.NARROW);
        int n = (int) Math.round(head[1]);
        if (n == 0) {
            throw new IllegalArgumentException("the data has no rows");
        }
        if (!intercept) {
            sums = new double[d];
        }
        Centring centring = new Centring(intercept, n, sums, intercept ? head[2] : 0);
        double[] c = new double[d];
        for (int j = 0; j < d; j++) {
            c[j] = (norms[j] - sums[j] * sums[j] / n) / n;
            if (!(c[j] > CONSTANT_COLUMN * norms[j] / n)) {
                c[j] = 0;
            }
        }
        double[] beta = new double[d];
        Pending pending = new Pending(m);

        rounds.publish(new double[] {LassoProtocol.FULL});
        FullPass pass = centring.pass(rounds.pull(LassoProtocol.WIDE), rounds.pull(LassoProtocol.NARROW), c, beta,
                lambda);
        double lambdaMax = pass.gInf;
        double[] first = new double[d];
        double largest = 0;
        for (int j = 0; j < d; j++) {
            if (c[j] > 0) {
                double step = LassoMath.coordinateMinimiser(pass.g[j], c[j], 0, lambda);
                first[j] = step * step;
                largest = Math.max(largest, first[j]);
            }
        }
        VariableSchedule schedule = switch (params.schedule()) {
            case DYNAMIC -> new PrioritySchedule(d, Math.max(largest, 1e-300) * params.etaRelative(), first,
                    params.seed());
            case ROTATION -> new CyclicSchedule(d);
            case RANDOM -> new RandomSchedule(d, params.seed());
        };
        int schedulable = 0;
        for (int j = 0; j < d; j++) {
            schedule.setSchedulable(j, c[j] > 0);
            schedulable += c[j] > 0 ? 1 : 0;
        }
        int checkEvery = params.checkEvery() > 0 ? params.checkEvery()
                : Math.max(10, Math.min(200, (schedulable + m - 1) / m));

        List<LassoResult.TracePoint> trace = new ArrayList<>();
        double f = pass.objective;
        double gap = pass.gap;
        trace.add(new LassoResult.TracePoint(2, 0, System.nanoTime() - t0, f, gap));
        long updates = 0;
        int round = 2;
        int fullPasses = 1;
        int sinceFull = 0;
        double recentFall = 0;
        boolean converged = false;
        while (true) {
            if (pass != null) {
                for (int j = 0; j < d; j++) {
                    if (c[j] > 0) {
                        schedule.expected(j, LassoMath.coordinateMinimiser(pass.g[j], c[j], beta[j], lambda) - beta[j]);
                    }
                }
                f = pass.objective;
                gap = pass.gap;
                pass = null;
                sinceFull = 0;
                recentFall = 0;
                if (gap <= params.tolerance() * Math.max(f, Double.MIN_NORMAL)) {
                    converged = true;
                    break;
                }
            }
            if (round >= params.maxRounds()) {
                break;
            }
            // A pass is due every checkEvery rounds, and sooner once rounds stop paying: the schedule may then be
            // working from stale priorities, or beta may have converged.
            if (sinceFull >= checkEvery || (sinceFull >= 5 && recentFall <= params.tolerance() * f * sinceFull)) {
                rounds.publish(pending.assignment(LassoProtocol.FULL, new int[0], m));
                pending.clear();
                pass = centring.pass(rounds.pull(LassoProtocol.WIDE), rounds.pull(LassoProtocol.NARROW), c, beta,
                        lambda);
                fullPasses++;
                round++;
                trace.add(new LassoResult.TracePoint(round, updates, System.nanoTime() - t0, pass.objective,
                        pass.gap));
                continue;
            }
            int[] cand = schedule.select(m);
            int k = cand.length;
            rounds.publish(pending.assignment(LassoProtocol.UPDATE, cand, m));
            pending.clear();
            double[] res = rounds.pull(LassoProtocol.NARROW);
            round++;
            sinceFull++;
            double[] grad = new double[k];
            double[][] gram = new double[k][k];
            centring.block(res, cand, m, grad, gram);
            BlockSolver.Outcome out = BlockSolver.solve(cand, grad, gram, c, beta, lambda,
                    params.correlationThreshold());
            for (int a = 0; a < k; a++) {
                int j = cand[a];
                double delta = out.change()[a];
                schedule.updated(j, delta);
                if (delta != 0) {
                    pending.add(j, delta);
                    centring.moved(j, delta);
                }
            }
            updates += out.updates();
            f -= out.fall();
            recentFall += out.fall();
            trace.add(new LassoResult.TracePoint(round, updates, System.nanoTime() - t0, f, Double.NaN));
        }
        rounds.finish(new double[] {LassoProtocol.STOP});
        return new LassoResult(beta, centring.intercept(beta), f, gap, lambdaMax, round, fullPasses, updates,
                converged, trace);
    }

    /** A full pass's findings: the centred {@code g = X^T r / n}, its largest magnitude, {@code F} and the gap. */
    record FullPass(double[] g, double gInf, double objective, double gap) {
    }

    /**
     * Turns the workers' sums over {@code r' = y - X beta} into those over the centred residual (or passes them
     * through, without an intercept, when every column sum and {@code sum(y)} are taken as zero).
     */
    private static final class Centring {
        private final boolean intercept;
        private final int n;
        private final double[] sums;
        private final double sumY;
        /** {@code sum(r')} at the current beta: exact at each full pass, tracked through the changes between. */
        private double sumR;

        Centring(boolean intercept, int n, double[] sums, double sumY) {
            this.intercept = intercept;
            this.n = n;
            this.sums = sums;
            this.sumY = sumY;
            this.sumR = sumY;
        }

        void moved(int j, double delta) {
            sumR -= delta * sums[j];
        }

        double intercept(double[] beta) {
            double b0 = sumY;
            for (int j = 0; j < beta.length; j++) {
                b0 -= sums[j] * beta[j];
            }
            return b0 / n;
        }

        /** The centred {@code x_j . r / n} of the candidates and {@code x_a . x_b / n} of their pairs. */
        void block(double[] res, int[] cand, int m, double[] grad, double[][] gram) {
            int k = cand.length;
            double mu = sumR / n;
            for (int a = 0; a < k; a++) {
                grad[a] = (res[LassoProtocol.NARROW_HEADER + a] - mu * sums[cand[a]]) / n;
            }
            int base = LassoProtocol.NARROW_HEADER + m;
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) {
                    double v = (res[base + ColumnBlock.pairIndex(a, b, k)] - sums[cand[a]] * sums[cand[b]] / n) / n;
                    gram[a][b] = v;
                    gram[b][a] = v;
                }
            }
        }

        FullPass pass(double[] gRaw, double[] head, double[] c, double[] beta, double lambda) {
            sumR = intercept ? head[2] : 0;
            double mu = sumR / n;
            double rr = Math.max(head[0] - n * mu * mu, 0);
            double yr = head[3] - mu * sumY;
            double[] g = new double[gRaw.length];
            double gInf = 0;
            for (int j = 0; j < g.length; j++) {
                if (c[j] > 0) {
                    g[j] = (gRaw[j] - mu * sums[j]) / n;
                    gInf = Math.max(gInf, Math.abs(g[j]));
                }
            }
            double objective = LassoMath.objective(rr, n, beta, lambda);
            // The dual point r * alpha, scaled into the feasible set ||X^T theta / n||_inf <= lambda.
            double alpha = gInf > lambda ? lambda / gInf : 1;
            double dual = (alpha * yr - alpha * alpha * rr / 2) / n;
            return new FullPass(g, gInf, objective, Math.max(objective - dual, 0));
        }
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
