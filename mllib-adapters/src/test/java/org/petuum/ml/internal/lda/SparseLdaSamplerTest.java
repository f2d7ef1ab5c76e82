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
                Vectors.dense(2, 0, 0, 6, 1));
        double[] wordTokens = {5, 5, 2, 8, 7};
        WordBlocks blocks = WordBlocks.single(wordTokens);
        LocalCorpus corpus = LocalCorpus.of(docs.iterator(), blocks, K, 0);
        SplittableRandom random = new SplittableRandom(3);
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

        // The first token of document 1, sampled alone again and again.
        int d = corpus.segDoc[0][1];
        int token = corpus.segStart[0][1];
        int slot = corpus.tokenSlot[token];
        int draws = 200_000;
        int[] hits = new int[K];
        double[] exact = null;
        for (int n = 0; n < draws; n++) {
            if (exact == null) {
                exact = conditional(corpus, view, sampler.totals, d, token, slot, wordTokens.length);
            }
            sampler.sampleDocument(corpus, d, token, token + 1, view, random);
            hits[corpus.topic[token]]++;
        }
        for (int t = 0; t < K; t++) {
            assertEquals(exact[t], hits[t] / (double) draws, 0.005, "topic " + t);
        }
        assertEquals(draws, sampler.sampled());
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
