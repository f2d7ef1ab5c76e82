package org.petuum.ml.recommendation;

import java.io.Serializable;

/**
 * What every worker of one fit needs to know, resolved on the driver from the estimator's parameters and the
 * statistics of the ratings.
 *
 * @param itemTable    the item table: one row per item id, {@code rank + 1} columns (factors, then the bias)
 * @param rotation     true for the rotation schedule, false for SSP
 * @param workers      workers of the run (also the number of item blocks under rotation)
 * @param clocksPerPass clocks of one pass under SSP (each visits one slice of every worker's ratings)
 * @param mean         the mean rating
 * @param std          the standard deviation of the ratings (1 when they are all equal)
 * @param itemIds      every item id of the training data, ascending
 * @param itemCounts   the ratings of each of those items
 */
record MfSettings(String itemTable, boolean rotation, int staleness, int workers, int clocksPerPass, int rank, int passes,
                  double stepSize, double stepDecay, double regParam, double biasRegParam, double initStd,
                  double mean, double std, long seed, int[] itemIds, int[] itemCounts) implements Serializable {

    /** Clocks of one pass: one per slice under SSP, one per round (block) under rotation. */
    int clocksOfPass() {
        return rotation ? workers : clocksPerPass;
    }

    int clocks() {
        return passes * clocksOfPass();
    }

    /** The ratings of {@code item} in the training data. */
    int itemCount(int item) {
        int k = java.util.Arrays.binarySearch(itemIds, item);
        return k >= 0 ? itemCounts[k] : 0;
    }

    /** The step size of pass {@code p}. */
    double stepAt(int pass) {
        return stepSize * Math.pow(stepDecay, pass);
    }
}
