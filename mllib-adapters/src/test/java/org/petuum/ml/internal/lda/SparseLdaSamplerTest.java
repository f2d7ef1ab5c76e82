package org.petuum.ml.internal.lda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SparseLdaSamplerTest {
    private static final int K = 6;
    private static final double ALPHA = 0.3;
    private static final double BETA = 0.05;

    /**
     * Sampling one token over and over gives independent draws from its exact conditional given every other token
     * (the token is removed before each draw), so the bucket decomposition must reproduce
     * {@code p(t) ∝ (α + n_dt)(β + n_wt) / (βV + n_t)} computed directly over all K topics.
     */
    @Test
    void bucketsDrawFromTheExactCollapsedConditional() {
        List<Vector> docs = List.of(Vectors.dense(3, 1, 0, 2, 5), Vectors.dense(0, 4, 2, 0, 1),
                Vectors.dense(9, 0, 0, 6, 1), Vectors.dense(0, 0, 7, 12, 4), Vectors.dense(10, 3, 0, 0, 0));
        double[] wordTokens = {22, 8, 9, 20, 11};
        WordBlocks blocks = WordBlocks.single(wordTokens);
        LocalCorpus corpus = LocalCorpus.of(docs.iterator(), blocks, K, 0);
        SplittableRandom random = new SplittableRandom(11);
        corpus.initialize(random);
        int[] rows = corpus.slotRows[0];
        double[][] wordCounts = new double[rows.length][K];
        double[] totals = new double[K];
        for (int i = corpus.blockStart[0]; i < corpus.blockStart[1]; i++) {
            wordCounts[corpus.tokenSlot[i]][corpus.topic[i]]++;
            totals[corpus.topic[i]]++;
        }
        RowValues[] values = new RowValues[rows.length];
        for (int s = 0; s < rows.length; s++) {
            values[s] = DenseRow.wrap(wordCounts[s].clone());
        }
        WordTopicView view = new WordTopicView(K);
        view.load(values, null, new RowValues[0]);
        SparseLdaSampler sampler = new SparseLdaSampler(K, ALPHA, BETA, wordTokens.length);
        sampler.setTotals(totals);

        // Every token of the first two documents, each sampled alone again and again; the bound is 4.5 standard
        // deviations of a frequency (plus a little), for about a hundred comparisons.
        int draws = 60_000;
        long sampled = 0;
        for (int seg = 0; seg < 2; seg++) {
            int d = corpus.segDoc[0][seg];
            for (int token = corpus.segStart[0][seg]; token < corpus.segStart[0][seg + 1]; token++) {
                int slot = corpus.tokenSlot[token];
                double[] exact = conditional(corpus, view, sampler.totals, d, token, slot, wordTokens.length);
                int[] hits = new int[K];
                for (int n = 0; n < draws; n++) {
                    sampler.sampleDocument(corpus, d, token, token + 1, view, random);
                    hits[corpus.topic[token]]++;
                }
                sampled += draws;
                for (int t = 0; t < K; t++) {
                    double bound = 4.5 * Math.sqrt(exact[t] * (1 - exact[t]) / draws) + 1e-4;
                    assertEquals(exact[t], hits[t] / (double) draws, bound, "token " + token + ", topic " + t);
                }
            }
        }
        assertEquals(sampled, sampler.sampled());
    }

    /** The conditional computed directly over all topics, with the token's current assignment removed. */
    private static double[] conditional(LocalCorpus corpus, WordTopicView view, double[] totals, int d, int token,
                                        int slot, int vocab) {
        int old = corpus.topic[token];
        double[] p = new double[K];
        double sum = 0;
        for (int t = 0; t < K; t++) {
            int minus = t == old ? 1 : 0;
            double ndt = corpus.docTopic[d * K + t] - minus;
            double nwt = view.count[slot * K + t] - minus;
            double nt = totals[t] - minus;
            p[t] = (ALPHA + ndt) * (BETA + nwt) / (BETA * vocab + nt);
            sum += p[t];
        }
        for (int t = 0; t < K; t++) {
            p[t] /= sum;
        }
        return p;
    }
}
