package org.petuum.ml.internal.lda;

import java.util.ArrayList;
import java.util.List;
import org.petuum.ml.clustering.LDAPass;
import org.petuum.ps.DriverFunction;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.scheduler.RotationSchedule;
import org.petuum.scheduler.Rounds;

/**
 * The driver's part of a fit, on the driver's thread of the scheduled run. Under rotation it is the STRADS
 * scheduler: each round it publishes every worker's block from a {@link RotationSchedule} and collects the
 * workers' statistics; W rounds make a pass. In data-parallel mode it only follows the workers' clocks and reads
 * the statistics they add to a table, so that both modes report the same way.
 */
final class LdaDrivers {
    private LdaDrivers() {
    }

    static DriverFunction<List<LDAPass>> of(LdaSetup setup, PassHook hook) {
        return setup.rotation ? self -> rotation(setup, hook, self) : self -> dataParallel(setup, hook, self);
    }

    private static List<LDAPass> rotation(LdaSetup setup, PassHook hook, PsWorker self) {
        Rounds.Driver rounds = setup.rounds.driver(self);
        RotationSchedule schedule = new RotationSchedule(setup.workers, setup.blocks.blocks());
        rounds.publish(new double[] {LdaSetup.SETUP});
        rounds.pull(0);
        List<LDAPass> trace = new ArrayList<>();
        long t0 = System.nanoTime();
        long previous = t0;
        long round = 0;
        for (int pass = 1; pass <= setup.passes; pass++) {
            double[] sum = new double[LdaSetup.STATS];
            int perPass = schedule.blocks();
            for (int j = 0; j < perPass; j++, round++) {
                double[] a = new double[LdaSetup.HEADER + setup.workers];
                a[0] = LdaSetup.SAMPLE;
                a[1] = pass;
                a[2] = j == perPass - 1 ? 1 : 0;
                int[] blocks = schedule.assignment(round);
                for (int w = 0; w < blocks.length; w++) {
                    a[LdaSetup.HEADER + w] = blocks[w];
                }
                rounds.publish(a);
                double[] got = rounds.pull(0);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += got[i];
                }
            }
            long now = System.nanoTime();
            LDAPass p = pass(pass, sum, now - previous, now - t0);
            previous = now;
            trace.add(p);
            if (hook != null) {
                hook.afterPass(p, new Probe(self, setup, sum));
            }
        }
        rounds.finish(new double[] {LdaSetup.STOP});
        return trace;
    }

    private static List<LDAPass> dataParallel(LdaSetup setup, PassHook hook, PsWorker self) {
        PsTable stats = self.table(setup.statsTable);
        List<LDAPass> trace = new ArrayList<>();
        long t0 = 0;
        long previous = 0;
        for (int clock = 0; clock <= setup.passes; clock++) {
            self.awaitOthers(clock + 1);
            long now = System.nanoTime();
            if (clock == 0) {
                t0 = now; // the workers' initial counts are in; they sample from here on
                previous = now;
            } else {
                double[] sum = stats.get(clock);
                LDAPass p = pass(clock, sum, now - previous, now - t0);
                previous = now;
                trace.add(p);
                if (hook != null) {
                    hook.afterPass(p, new Probe(self, setup, sum));
                }
            }
            self.clock();
        }
        return trace;
    }

    private static LDAPass pass(int pass, double[] sum, long nanos, long elapsed) {
        long tokens = Math.round(sum[0]);
        return new LDAPass(pass, tokens, tokens > 0 ? sum[1] / tokens : 0, nanos / 1e9, elapsed / 1e9, sum[4] / 1e9);
    }

    private record Probe(PsWorker self, LdaSetup setup, double[] sum) implements PassHook.CountsProbe {
        @Override
        public double[][] wordTopic() {
            int[] all = new int[setup.blocks.rows()];
            for (int r = 0; r < all.length; r++) {
                all[r] = r;
            }
            return LdaTrainer.wordTopic(self.table(setup.wordTable).getRows(all), setup.blocks, setup.k);
        }

        @Override
        public double[] totals() {
            return self.table(setup.totalsTable).get(0);
        }

        @Override
        public long docTopicSum() {
            return Math.round(sum[2]);
        }

        @Override
        public long tokensHeld() {
            return Math.round(sum[3]);
        }
    }
}
