package org.petuum.ml.internal.lda;

import org.petuum.ml.clustering.LDAPass;

/**
 * Called on the driver after every pass. Under rotation the workers wait for the next round meanwhile, so the
 * probe reads a consistent state; in data-parallel mode workers may run up to the staleness ahead of the driver,
 * so the probe's reads are consistent only with staleness 0.
 */
@FunctionalInterface
public interface PassHook {
    void afterPass(LDAPass pass, CountsProbe probe);

    /** The state of the counts after a pass, read on request (reading the word–topic table costs a full copy). */
    interface CountsProbe {
        /** The word–topic counts, {@code vocabSize × k}: each word's table rows (pieces) added up. */
        double[][] wordTopic();

        /** The topic totals row. */
        double[] totals();

        /** The sum over the workers of their document–topic counts. */
        long docTopicSum();

        /** The tokens the workers hold. */
        long tokensHeld();
    }
}
