package org.petuum.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Medians of repeated measurements. */
public final class Median {

    private Median() {
    }

    /**
     * The median of {@code values}: the middle one, or the mean of the two middle ones. Positive infinity stands for
     * "never happened" and sorts last, so the median is infinite only when at least half the runs never got there.
     *
     * @throws IllegalArgumentException if there are no values or one is NaN
     */
    public static double of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("values : [] (expected: at least one)");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        if (Double.isNaN(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException("values : " + Arrays.toString(values) + " (expected: no NaN)");
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The median of one measurement taken from each run. */
    public static <T> double of(List<T> runs, ToDoubleFunction<T> measurement) {
        return of(runs.stream().mapToDouble(measurement).toArray());
    }
}
