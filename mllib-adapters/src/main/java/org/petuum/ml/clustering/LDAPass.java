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
 * @param samplerCpuSeconds     CPU time the workers' threads spent in the sampler in this pass, summed over the
 *                              workers (reading and writing table rows and waiting for rounds excluded); 0 where the
 *                              JVM cannot measure a thread's CPU time
 */
public record LDAPass(int pass, long tokens, double logLikelihoodPerToken, double seconds, double elapsedSeconds,
                      double samplerCpuSeconds) implements Serializable {

    /** Tokens sampled per second in this pass, over all workers. */
    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }

    /**
     * Tokens sampled per second of one worker's sampler CPU time: what one worker's sampler achieves when it has a
     * core to itself, unaffected by other processes sharing the machine; 0 if not measured.
     */
    public double tokensPerSamplerCpuSecond() {
        return samplerCpuSeconds > 0 ? tokens / samplerCpuSeconds : 0;
    }
}
