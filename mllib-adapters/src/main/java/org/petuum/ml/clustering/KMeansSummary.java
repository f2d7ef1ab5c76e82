package org.petuum.ml.clustering;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What a fit learned about its training data. Exists only on a model just fitted; a loaded model has none.
 *
 * <p>{@link #trainingCost()} has MLlib's meaning: the sum of squared distances of the points to the centres they
 * were assigned to in the last pass (the model's centres are the means of those assignments, so the cost of the
 * model's own centres is at most this).
 */
public final class KMeansSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double trainingCost;
    private final int numIter;
    private final boolean converged;
    private final long[] clusterSizes;

    KMeansSummary(double trainingCost, int numIter, boolean converged, long[] clusterSizes) {
        this.trainingCost = trainingCost;
        this.numIter = numIter;
        this.converged = converged;
        this.clusterSizes = clusterSizes.clone();
    }

    /** The sum of squared distances of the points to their centres in the last pass. */
    public double trainingCost() {
        return trainingCost;
    }

    /** The Lloyd passes made over the data (at most {@code maxIter}). */
    public int numIter() {
        return numIter;
    }

    /** Whether the passes ended because no centre moved by more than {@code tol}, rather than at {@code maxIter}. */
    public boolean converged() {
        return converged;
    }

    /** How many points each cluster holds, by cluster index. */
    public long[] clusterSizes() {
        return clusterSizes.clone();
    }

    @Override
    public String toString() {
        return "KMeansSummary{trainingCost=" + trainingCost + ", numIter=" + numIter + ", converged=" + converged
                + ", clusterSizes=" + Arrays.toString(clusterSizes) + "}";
    }
}
