package org.petuum.ml.internal.lda;

import java.util.SplittableRandom;

/**
 * Collapsed Gibbs sampling of token topics with SparseLDA's bucket decomposition (Yao, Mimno and McCallum, KDD
 * 2009). The conditional of a token's topic {@code t} given every other assignment is proportional to
 * <pre>
 *   (α + n_dt)(β + n_wt) / (β V + n_t)
 *     = αβ / (βV + n_t)                 "s": the smoothing bucket, the same for every token
 *     + n_dt β / (βV + n_t)             "r": non-zero only for the topics the document uses
 *     + (α + n_dt) n_wt / (βV + n_t)    "q": non-zero only for the topics the word has
 * </pre>
 * The sampler keeps {@code s} and {@code r} up to date as counts change and computes {@code q} over the word's
 * non-zero topics only, so a token costs O(K_d + K_w), the topics its document and its word actually use, rather
 * than O(K): the q bucket carries most of the mass once topics have formed and is visited first, the r bucket
 * next, and the O(K) walk of {@code s} is rare (its mass is about αβK/(βV + N/K), a small fraction). SparseLDA was
 * chosen over LightLDA's alias tables with Metropolis–Hastings because under the rotation a worker holds its
 * block's word rows exactly and exclusively for the round: exact sampling is possible and needs no alias tables
 * to be rebuilt every round, and at the K of interest here (tens to a few hundred) SparseLDA's buckets are
 * already small. Entering a document costs O(K) (to set up its coefficients), once per document per round.
 *
 * <p>Each token's leave-one-out predictive probability {@code (s + r + q) / (n_d - 1 + Kα)} is the normaliser the
 * sampler computes anyway, so the log-likelihood reported per pass comes for free.
 *
 * <p>Owned by one thread.
 */
final class SparseLdaSampler {
    private final int k;
    private final double alpha;
    private final double beta;
    private final double betaV;
    private final double kAlpha;
    /** Topic totals as this worker sees them (its own changes included). */
    final double[] totals;
    /** {@code 1 / (βV + n_t)} per topic, kept current with {@link #totals}: the buckets' walks multiply, never divide. */
    private final double[] inv;
    private final double[] coef;
    private final double[] qTerm;
    private final int[] docNz;
    private final int[] docPos;
    private int docNzLen;
    private double s;
    private double r;
    private double logLikelihood;
    private long sampled;

    SparseLdaSampler(int k, double alpha, double beta, int vocabSize) {
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.betaV = beta * vocabSize;
        this.kAlpha = k * alpha;
        this.totals = new double[k];
        this.inv = new double[k];
        this.coef = new double[k];
        this.qTerm = new double[k];
        this.docNz = new int[k];
        this.docPos = new int[k];
    }

    /** Sets the topic totals (from the table) before a round. */
    void setTotals(double[] values) {
        for (int t = 0; t < k; t++) {
            // A total read under SSP may lag other workers' updates but never misses this worker's own, so it
            // holds every token the worker is about to remove; max guards against a negative rounding residue.
            totals[t] = Math.max(0, values[t]);
            inv[t] = 1 / (totals[t] + betaV);
        }
    }

    /** Samples the tokens {@code [from, to)} of document {@code d} (all in one block) against {@code words}. */
    void sampleDocument(LocalCorpus corpus, int d, int from, int to, WordTopicView words, SplittableRandom random) {
        int[] docTopic = corpus.docTopic;
        int base = d * k;
        double docDenom = corpus.docLen[d] - 1 + kAlpha;
        enterDocument(docTopic, base);
        double ab = alpha * beta;
        int[] wc = words.count;
        int[] wnz = words.nz;
        for (int i = from; i < to; i++) {
            int slot = corpus.tokenSlot[i];
            int old = corpus.topic[i];
            int wbase = slot * k;

            // Remove the token from every count, keeping s, r and the coefficient of its topic current.
            double inverse = inv[old];
            int ndt = docTopic[base + old];
            s -= ab * inverse;
            r -= ndt * beta * inverse;
            totals[old] -= 1;
            docTopic[base + old] = --ndt;
            words.decrement(slot, old);
            inverse = 1 / (totals[old] + betaV);
            inv[old] = inverse;
            s += ab * inverse;
            r += ndt * beta * inverse;
            coef[old] = (alpha + ndt) * inverse;
            if (docTopic[base + old] == 0) {
                removeDocTopic(old);
            }

            double q = 0;
            int nzLen = words.nzLen[slot];
            for (int j = 0; j < nzLen; j++) {
                int t = wnz[wbase + j];
                double v = coef[t] * wc[wbase + t];
                qTerm[j] = v;
                q += v;
            }
            double norm = s + r + q;
            logLikelihood += Math.log(norm / docDenom);
            sampled++;

            double u = random.nextDouble() * norm;
            int z = -1;
            if (u < q) {
                for (int j = 0; j < nzLen; j++) {
                    u -= qTerm[j];
                    if (u <= 0) {
                        z = wnz[wbase + j];
                        break;
                    }
                }
                if (z < 0) {
                    z = wnz[wbase + nzLen - 1]; // rounding left u a hair above zero
                }
            } else if ((u -= q) < r) {
                for (int j = 0; j < docNzLen; j++) {
                    int t = docNz[j];
                    u -= docTopic[base + t] * beta * inv[t];
                    if (u <= 0) {
                        z = t;
                        break;
                    }
                }
                if (z < 0) {
                    z = docNz[docNzLen - 1];
                }
            } else {
                u -= r;
                for (int t = 0; t < k; t++) {
                    u -= ab * inv[t];
                    if (u <= 0) {
                        z = t;
                        break;
                    }
                }
                if (z < 0) {
                    z = k - 1;
                }
            }

            inverse = inv[z];
            ndt = docTopic[base + z];
            s -= ab * inverse;
            r -= ndt * beta * inverse;
            totals[z] += 1;
            if (ndt++ == 0) {
                addDocTopic(z);
            }
            docTopic[base + z] = ndt;
            words.increment(slot, z);
            inverse = 1 / (totals[z] + betaV);
            inv[z] = inverse;
            s += ab * inverse;
            r += ndt * beta * inverse;
            coef[z] = (alpha + ndt) * inverse;
            corpus.topic[i] = z;
        }
    }

    /** Recomputes s, r and every coefficient for a document: exact again, so rounding never accumulates. */
    private void enterDocument(int[] docTopic, int base) {
        s = 0;
        r = 0;
        docNzLen = 0;
        for (int t = 0; t < k; t++) {
            double inverse = inv[t];
            int n = docTopic[base + t];
            s += alpha * beta * inverse;
            r += n * beta * inverse;
            coef[t] = (alpha + n) * inverse;
            if (n > 0) {
                docPos[t] = docNzLen;
                docNz[docNzLen++] = t;
            } else {
                docPos[t] = -1;
            }
        }
    }

    private void addDocTopic(int t) {
        docPos[t] = docNzLen;
        docNz[docNzLen++] = t;
    }

    private void removeDocTopic(int t) {
        int at = docPos[t];
        int last = docNz[--docNzLen];
        docNz[at] = last;
        docPos[last] = at;
        docPos[t] = -1;
    }

    /** The sum of the tokens' log predictive probabilities since the last {@link #resetStats}. */
    double logLikelihood() {
        return logLikelihood;
    }

    long sampled() {
        return sampled;
    }

    void resetStats() {
        logLikelihood = 0;
        sampled = 0;
    }
}
