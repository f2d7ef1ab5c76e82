package org.petuum.ml.regression;

/**
 * The block size {@link Lasso} chooses when {@code blockSize} is 0. A round costs a fixed ~0.3 ms of messaging plus,
 * on each worker, {@code m} inner products and {@code m(m-1)/2} Gram entries over its share of each column. The
 * Gram entries dominate, so {@code m} is the largest that keeps them near {@value #GRAM_WORK} multiply-adds per
 * worker: sparse or short columns get the largest blocks (more coordinates per round, fewer rounds), long dense
 * columns smaller ones, so a round never turns into a pass over the data.
 */
final class BlockSize {
    static final long GRAM_WORK = 4_000_000;
    static final int SMALLEST = 16;

    private BlockSize() {
    }

    static int choose(LassoInput.Facts facts, int workers) {
        double perColumn = Math.max(1.0, (double) facts.nonZeros() / facts.features() / workers);
        int m = (int) Math.sqrt(2.0 * GRAM_WORK / perColumn);
        int bounded = Math.max(SMALLEST, Math.min(LassoParams.MAX_CANDIDATES, m));
        return Math.min(bounded, facts.features());
    }
}
