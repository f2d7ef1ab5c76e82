package org.petuum.ml.clustering.internal;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.ml.linalg.Vector;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.WorkerFunction;

/**
 * One k-means worker: packs its partition, takes part in choosing the initial centres, then runs full Lloyd passes
 * over its points, one per clock, on the stats table.
 *
 * <p>The table holds sufficient statistics, not centres: row {@code c} is the sum and count of the points assigned
 * to centre {@code c} (and their cost). Each worker pushes, every clock, the change of its own contribution (what
 * its points add now minus what they added at its previous pass), so the table always holds the sum of every
 * worker's latest contribution, and a worker's centres are that sum divided by the count. Under SSP(s) a read sees
 * every worker's contribution of at most {@code s} clocks ago; at {@code s = 0} this is exactly Lloyd's algorithm.
 *
 * <p>Stopping is agreed through votes, so that every worker stops at the same clock whatever it read: at pass
 * {@code t} a worker votes whether no centre of its view moved by more than {@code tol}; at pass {@code t} all stop
 * if every worker voted so at pass {@code t - s - 1}, whose votes every worker is then guaranteed to see.
 */
public final class LloydWorker implements WorkerFunction<Vector, LloydWorker.Result> {
    private static final long serialVersionUID = 1L;

    /**
     * What a worker returns to the driver.
     *
     * @param passes    the Lloyd passes it made
     * @param converged whether the passes stopped because every worker saw the centres settle
     * @param centres   its last centres (the driver uses them for centres that ended with no point)
     */
    public record Result(int passes, boolean converged, double[][] centres) implements Serializable {
    }

    private final FitPlan plan;

    public LloydWorker(FitPlan plan) {
        this.plan = plan;
    }

    @Override
    public Result run(PsWorker worker, Iterator<Vector> partition) {
        PointBlock points = PointBlock.pack(partition, plan.dim());
        Centres centres = InitialCentres.choose(worker, points, plan);
        int k = centres.count();
        int width = plan.dim() + 2;
        PsTable stats = worker.table(plan.stats());
        PsTable control = worker.table(plan.control());
        int[] rows = new int[k];
        for (int c = 0; c < k; c++) {
            rows[c] = c;
        }
        double[][] sent = new double[k][width];
        double[] myVotes = new double[plan.voteRing()];
        double tol2 = plan.tol() * plan.tol();
        boolean converged = false;
        int t = 0;
        for (; t < plan.maxIter(); t++) {
            if (t > 0) {
                Centres next = means(stats.get(rows), centres);
                int slot = t % myVotes.length;
                double vote = next.largestSquaredMove(centres) <= tol2 ? 1 : 0;
                control.inc(0, slot, vote - myVotes[slot]);
                myVotes[slot] = vote;
                centres = next;
                int decided = t - plan.staleness() - 1;
                if (decided >= 1 && control.get(0)[decided % myVotes.length] >= plan.workers()) {
                    converged = true;
                    break;
                }
            }
            double[][] now = pass(points, centres, width);
            for (int c = 0; c < k; c++) {
                double[] delta = now[c];
                double[] old = sent[c];
                for (int j = 0; j < width; j++) {
                    delta[j] -= old[j];
                    old[j] += delta[j];
                }
                stats.inc(c, delta);
            }
            worker.clock();
        }
        return new Result(t, converged, centres.all());
    }

    /** Assigns every point to its nearest centre: per centre the sum, count and cost of its points. */
    static double[][] pass(PointBlock points, Centres centres, int width) {
        int dim = width - 2;
        double[][] out = new double[centres.count()][width];
        double[] d = new double[1];
        for (int i = 0; i < points.size(); i++) {
            int c = points.nearest(i, centres, d);
            double[] row = out[c];
            points.addTo(i, row);
            row[dim] += 1;
            row[dim + 1] += d[0];
        }
        return out;
    }

    /** The means the statistics give; a centre with no point keeps its place in {@code before}. */
    static Centres means(double[][] stats, Centres before) {
        double[][] out = new double[stats.length][];
        for (int c = 0; c < stats.length; c++) {
            double[] s = stats[c];
            int dim = s.length - 2;
            double count = s[dim];
            // Counts are sums of whole numbers; below 0.5 the cluster is empty (up to rounding of the deltas).
            if (count < 0.5) {
                out[c] = before.centre(c);
            } else {
                double[] m = new double[dim];
                for (int j = 0; j < dim; j++) {
                    m[j] = s[j] / count;
                }
                out[c] = m;
            }
        }
        return new Centres(out);
    }
}
