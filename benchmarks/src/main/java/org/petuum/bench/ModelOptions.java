package org.petuum.bench;

import java.util.ArrayList;
import java.util.List;
import org.petuum.ssp.Consistency;

/** Checks of the options the straggler benchmarks share. */
public final class ModelOptions {
    private ModelOptions() {
    }

    /**
     * The consistency models of {@code --models}, in order.
     *
     * @throws IllegalArgumentException naming the option if one is given twice or none is given
     */
    public static List<Consistency> parse(List<String> models) {
        List<Consistency> parsed = new ArrayList<>();
        for (String m : models) {
            Consistency c = Consistency.parse(m);
            if (parsed.contains(c)) {
                throw new IllegalArgumentException("--models : " + c + " is given twice");
            }
            parsed.add(c);
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("--models : empty (expected: at least one model, e.g. BSP,SSP(3))");
        }
        return parsed;
    }

    /** @throws IllegalArgumentException naming {@code option} and its range if {@code value} is outside it */
    public static void checkRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " : " + value + " (expected: " + min + " <= value <= " + max + ")");
        }
    }
}
