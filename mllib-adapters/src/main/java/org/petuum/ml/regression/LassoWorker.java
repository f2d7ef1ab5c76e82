package org.petuum.ml.regression;

import java.util.Arrays;
import java.util.Iterator;
import org.petuum.ps.PsWorker;
import org.petuum.ps.WorkerFunction;
import org.petuum.scheduler.Rounds;

/**
 * A Lasso worker: holds its rows of the data by column and their residual {@code r = y - X beta}, and each round
 * pushes what the scheduler asked for, computed on its rows only. Returns the number of rounds it took part in.
 */
final class LassoWorker implements WorkerFunction<LabeledRow, Integer> {
    private static final long serialVersionUID = 1L;

    private final LassoProtocol protocol;

    LassoWorker(LassoProtocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public Integer run(PsWorker self, Iterator<LabeledRow> partition) {
        ColumnBlock x;
        try {
            x = ColumnBlock.of(partition, 0, protocol.features);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("partition " + self.id() + ", " + e.getMessage(), e);
        }
        double[] y = x.labels();
        double[] r = x.labels();
        double[] scratch = new double[x.rows()];
        int m = protocol.candidates;
        double[] narrow = new double[protocol.rounds.channelWidth(LassoProtocol.NARROW)];
        Rounds.Worker rounds = protocol.rounds.worker(self);
        for (int round = 0; ; round++) {
            double[] a = rounds.next();
            int command = (int) a[0];
            int cands = (int) a[1];
            int updates = (int) a[2];
            for (int k = 0; k < updates; k++) {
                int j = (int) a[LassoProtocol.HEADER + m + k];
                x.axpy(j, -a[LassoProtocol.HEADER + 2 * m + k], r);
            }
            switch (command) {
                case LassoProtocol.STOP -> {
                    return round;
                }
                case LassoProtocol.SETUP -> {
                    double[] norms = new double[protocol.features];
                    for (int j = 0; j < norms.length; j++) {
                        norms[j] = x.normSquared(j);
                    }
                    double[] sums = new double[protocol.features];
                    for (int j = 0; j < sums.length; j++) {
                        sums[j] = x.sum(j);
                    }
                    rounds.push(LassoProtocol.WIDE, norms);
                    rounds.push(LassoProtocol.SUMS, sums);
                    rounds.push(LassoProtocol.NARROW, new int[] {0, 1, 2, 3},
                            new double[] {squaredNorm(r), x.rows(), sum(r), dot(y, r)});
                }
                case LassoProtocol.FULL -> {
                    double[] g = new double[protocol.features];
                    for (int j = 0; j < g.length; j++) {
                        g[j] = x.dot(j, r);
                    }
                    rounds.push(LassoProtocol.WIDE, g);
                    rounds.push(LassoProtocol.NARROW, new int[] {0, 2, 3},
                            new double[] {squaredNorm(r), sum(r), dot(y, r)});
                }
                case LassoProtocol.UPDATE -> {
                    int[] cand = new int[cands];
                    for (int i = 0; i < cands; i++) {
                        cand[i] = (int) a[LassoProtocol.HEADER + i];
                    }
                    Arrays.fill(narrow, 0);
                    narrow[0] = squaredNorm(r);
                    for (int i = 0; i < cands; i++) {
                        narrow[LassoProtocol.NARROW_HEADER + i] = x.dot(cand[i], r);
                    }
                    x.pairwiseDots(cand, narrow, LassoProtocol.NARROW_HEADER + m, scratch);
                    rounds.push(LassoProtocol.NARROW, narrow);
                }
                default -> throw new IllegalStateException("worker " + self.id() + " round " + round
                        + ": unknown command " + a[0] + " (expected: 1..4)");
            }
            rounds.endRound();
        }
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double squaredNorm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }
}
