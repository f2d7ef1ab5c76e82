package org.petuum.ml.internal.lda;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;

/**
 * The sampler alone on one thread, with no table and no network: every token of a corpus sampled pass after pass
 * against word–topic counts held in memory, timed by the thread's CPU time as well as by the wall clock (on a
 * shared machine the wall clock also counts the time other processes held the core). This is what one worker
 * does in one round, minus reading and writing its rows, so it bounds the rate a worker can reach.
 *
 * <p>Runs on the calling thread, which it keeps for the whole measurement.
 */
public final class SamplerSpeed {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SamplerSpeed() {
    }

    /** One pass: tokens sampled, the thread's CPU seconds and wall seconds, log-likelihood per token. */
    public record Pass(long tokens, double cpuSeconds, double wallSeconds, double logLikelihoodPerToken)
            implements Serializable {
        public double tokensPerCpuSecond() {
            return tokens / cpuSeconds;
        }

        public double tokensPerWallSecond() {
            return tokens / wallSeconds;
        }
    }

    /**
     * Samples {@code docs} (term-count vectors over {@code vocabSize} words) for {@code passes} passes.
     *
     * @return one entry per pass
     * @throws UnsupportedOperationException if the JVM cannot measure a thread's CPU time
     */
    public static Pass[] measure(Iterator<Vector> docs, int vocabSize, int k, double alpha, double beta, int passes,
                                 long seed) {
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new UnsupportedOperationException("this JVM cannot measure a thread's CPU time");
        }
        double[] ones = new double[vocabSize];
        Arrays.fill(ones, 1);
        WordBlocks blocks = WordBlocks.single(ones);
        LocalCorpus corpus = LocalCorpus.of(docs, blocks, k, 0);
        SplittableRandom random = new SplittableRandom(seed);
        corpus.initialize(random);
        int[] rows = corpus.slotRows[0];
        double[][] counts = new double[rows.length][k];
        double[] totals = new double[k];
        for (int i = corpus.blockStart[0]; i < corpus.blockStart[1]; i++) {
            counts[corpus.tokenSlot[i]][corpus.topic[i]]++;
            totals[corpus.topic[i]]++;
        }
        RowValues[] values = new RowValues[rows.length];
        for (int s = 0; s < rows.length; s++) {
            values[s] = DenseRow.wrap(counts[s]);
        }
        WordTopicView view = new WordTopicView(k);
        view.load(values, null, new RowValues[0]);
        SparseLdaSampler sampler = new SparseLdaSampler(k, alpha, beta, vocabSize);
        sampler.setTotals(totals);
        int[] segDoc = corpus.segDoc[0];
        int[] segStart = corpus.segStart[0];
        Pass[] out = new Pass[passes];
        for (int p = 0; p < passes; p++) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            for (int s = 0; s < segDoc.length; s++) {
                sampler.sampleDocument(corpus, segDoc[s], segStart[s], segStart[s + 1], view, random);
            }
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            out[p] = new Pass(sampler.sampled(), cpu / 1e9, wall / 1e9, sampler.logLikelihood() / sampler.sampled());
            sampler.resetStats();
        }
        return out;
    }
}
