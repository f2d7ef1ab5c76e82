package org.petuum.scheduler;

/**
 * STRADS's dependency check: of a round's candidate variables, keeps those whose pairwise |correlation| with every
 * variable kept before them is below a threshold, so that co-scheduled updates hardly interfere. Candidates are
 * taken in the order given (a schedule's order of preference), greedily.
 */
public final class DependencyFilter {
    private final double threshold;

    /** @param threshold in {@code (0, 1]}; {@code 1} keeps every candidate whose columns are not exactly collinear */
    public DependencyFilter(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold : " + threshold + " (expected: 0 < threshold <= 1)");
        }
        this.threshold = threshold;
    }

    public double threshold() {
        return threshold;
    }

    /** The correlation of candidates {@code a} and {@code b} (positions in the candidate list). */
    @FunctionalInterface
    public interface Correlation {
        double between(int a, int b);
    }

    /**
     * The positions (into the candidate list of size {@code count}) that are kept, in order. The first candidate is
     * always kept.
     */
    public int[] accept(int count, Correlation correlation) {
        int[] kept = new int[count];
        int k = 0;
        for (int a = 0; a < count; a++) {
            boolean ok = true;
            for (int i = 0; i < k && ok; i++) {
                double c = correlation.between(kept[i], a);
                // NaN (a zero column) never blocks: such a variable does not move anyway.
                ok = !(Math.abs(c) >= threshold);
            }
            if (ok) {
                kept[k++] = a;
            }
        }
        return java.util.Arrays.copyOf(kept, k);
    }
}
