package org.petuum.ml.clustering;

import java.io.Serializable;

/**
 * What one pass of {@link LDA}'s sampler did: every token of the corpus sampled once.
 *
 * @param pass                  1 for the first pass
 * @param tokens                tokens sampled in the pass
 * @param logLikelihoodPerToken the mean over the pass's tokens of the log of each token's leave-one-out predictive
 *                              probability {@code p(w | every other assignment)}, as the sampler saw it when it
 *                              sampled the token (rises as the topics form; {@code exp(-x)} is a training perplexity)
 * @param seconds               wall-clock time of the pass
 * @param elapsedSeconds        wall-clock time since sampling began (after loading and initialising the corpus)
 */
public record LDAPass(int pass, long tokens, double logLikelihoodPerToken, double seconds, double elapsedSeconds)
        implements Serializable {

    /** Tokens sampled per second in this pass, over all workers. */
    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }
}
