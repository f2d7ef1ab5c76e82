package org.petuum.ml.internal.lda;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.WorkerFunction;
import org.petuum.scheduler.Rounds;
import org.petuum.ssp.RowValues;

/**
 * One LDA worker: holds its partition's documents, their tokens' topics and document–topic counts, and samples
 * them against the word–topic table. Under rotation it samples, each round, only the tokens of the block the
 * driver assigned it; in data-parallel mode every token every clock. Returns the tokens it held.
 */
final class LdaWorker implements WorkerFunction<Vector, Long> {
    private static final long serialVersionUID = 1L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final LdaSetup setup;

    LdaWorker(LdaSetup setup) {
        this.setup = setup;
    }

    @Override
    public Long run(PsWorker self, Iterator<Vector> partition) {
        LocalCorpus corpus = LocalCorpus.of(partition, setup.blocks, setup.k, self.id());
        SplittableRandom random = new SplittableRandom(setup.seed * 0x9E3779B97F4A7C15L + self.id());
        corpus.initialize(random);
        Sweep sweep = new Sweep(self, corpus);
        if (setup.rotation) {
            rotate(self, corpus, sweep, random);
        } else {
            PsTable stats = self.table(setup.statsTable);
            sweep.addInitialCounts();
            self.globalBarrier(); // everybody's initial counts are in the tables before anyone samples
            for (int pass = self.currentClock(); pass <= setup.passes; pass++) {
                sweep.sample(0, random);
                stats.inc(pass, sweep.stats(true));
                self.clock();
            }
        }
        return corpus.tokens;
    }

    private void rotate(PsWorker self, LocalCorpus corpus, Sweep sweep, SplittableRandom random) {
        Rounds.Worker rounds = setup.rounds.worker(self);
        while (true) {
            double[] a = rounds.next();
            int command = (int) a[0];
            if (command == LdaSetup.STOP) {
                return;
            } else if (command == LdaSetup.SETUP) {
                sweep.addInitialCounts();
                rounds.push(0, sweep.stats(true));
            } else if (command == LdaSetup.SAMPLE) {
                sweep.sample((int) a[LdaSetup.HEADER + self.id()], random);
                rounds.push(0, sweep.stats(a[2] == 1));
            } else {
                throw new IllegalStateException("worker " + self.id() + ": unknown command " + a[0]
                        + " (expected: " + LdaSetup.SETUP + ".." + LdaSetup.STOP + ")");
            }
            rounds.endRound();
        }
    }

    /** The current thread's CPU time in nanoseconds, or 0 where the JVM cannot tell (then no CPU rate is reported). */
    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /** Samples one block of the worker's tokens against the table, and sends what changed. */
    private final class Sweep {
        private final LocalCorpus corpus;
        private final PsTable words;
        private final PsTable totals;
        private final WordTopicView view;
        private final SparseLdaSampler sampler;
        /** CPU time of this thread spent in the sampler since the last {@link #stats}; 0 if not measurable. */
        private long samplerCpu;

        Sweep(PsWorker self, LocalCorpus corpus) {
            this.corpus = corpus;
            this.words = self.table(setup.wordTable);
            this.totals = self.table(setup.totalsTable);
            this.view = new WordTopicView(setup.k);
            this.sampler = new SparseLdaSampler(setup.k, setup.alpha, setup.beta, setup.blocks.vocabSize());
        }

        /** Adds every token's initial topic to the word–topic rows and the totals. */
        void addInitialCounts() {
            int k = setup.k;
            double[] total = new double[k];
            for (int b = 0; b < corpus.blocks(); b++) {
                int[] rows = corpus.slotRows[b];
                int[] counts = new int[rows.length * k];
                for (int t = corpus.blockStart[b]; t < corpus.blockStart[b + 1]; t++) {
                    counts[corpus.tokenSlot[t] * k + corpus.topic[t]]++;
                    total[corpus.topic[t]]++;
                }
                for (int s = 0; s < rows.length; s++) {
                    incNonZero(rows[s], counts, s * k);
                }
            }
            totals.inc(0, total);
        }

        private void incNonZero(int row, int[] counts, int from) {
            int n = 0;
            for (int t = 0; t < setup.k; t++) {
                n += counts[from + t] != 0 ? 1 : 0;
            }
            int[] cols = new int[n];
            double[] values = new double[n];
            for (int t = 0, i = 0; t < setup.k; t++) {
                if (counts[from + t] != 0) {
                    cols[i] = t;
                    values[i++] = counts[from + t];
                }
            }
            words.inc(row, cols, values);
        }

        void sample(int block, SplittableRandom random) {
            int[] rows = corpus.slotRows[block];
            if (rows.length == 0) {
                return;
            }
            loadWords(rows);
            double[] before = totals.get(0);
            sampler.setTotals(before);
            double[] start = sampler.totals.clone();
            int[] docs = corpus.segDoc[block];
            int[] starts = corpus.segStart[block];
            long cpu0 = cpuNanos();
            for (int s = 0; s < docs.length; s++) {
                sampler.sampleDocument(corpus, docs[s], starts[s], starts[s + 1], view, random);
            }
            samplerCpu += cpuNanos() - cpu0;
            view.forEachChange((slot, topics, deltas) -> words.inc(rows[slot], topics, deltas));
            double[] change = new double[setup.k];
            for (int t = 0; t < setup.k; t++) {
                change[t] = Math.round(sampler.totals[t] - start[t]);
            }
            totals.inc(0, change);
        }

        /** Loads the rows of a block; a split word's slot also counts its other pieces, as they are now. */
        private void loadWords(int[] rows) {
            WordBlocks blocks = setup.blocks;
            int[][] siblingIndex = null;
            int extra = 0;
            for (int row : rows) {
                extra += blocks.pieces(blocks.wordOfRow(row)) - 1;
            }
            int[] all = new int[rows.length + extra];
            System.arraycopy(rows, 0, all, 0, rows.length);
            if (extra > 0) {
                siblingIndex = new int[rows.length][];
                int next = rows.length;
                for (int s = 0; s < rows.length; s++) {
                    int[] sib = blocks.siblings(rows[s]);
                    if (sib.length > 0) {
                        siblingIndex[s] = new int[sib.length];
                        for (int i = 0; i < sib.length; i++) {
                            siblingIndex[s][i] = next - rows.length;
                            all[next++] = sib[i];
                        }
                    }
                }
            }
            RowValues[] values = words.getRows(all);
            RowValues[] own = Arrays.copyOf(values, rows.length);
            RowValues[] siblings = Arrays.copyOfRange(values, rows.length, values.length);
            view.load(own, siblingIndex, siblings);
        }

        /** This worker's statistics since the last call: tokens sampled, log-likelihood, the count checks, sampler CPU time. */
        double[] stats(boolean withChecks) {
            double[] out = {sampler.sampled(), sampler.logLikelihood(), 0, 0, samplerCpu};
            if (withChecks) {
                out[2] = corpus.docTopicSum();
                out[3] = corpus.tokens;
            }
            sampler.resetStats();
            samplerCpu = 0;
            return out;
        }
    }
}
