package org.petuum.ml.recommendation;

import java.io.Serializable;
import java.util.Arrays;
import scala.runtime.AbstractFunction1;

/**
 * Parameter validators whose failure names the parameter, the value and the allowed range or values (Spark's own
 * say only "given invalid value"). They throw rather than return false, so Spark passes the message on.
 */
final class ParamRange<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final double min;
    private final double max;
    private final boolean minInclusive;
    private final String[] allowed;

    private ParamRange(String name, double min, double max, boolean minInclusive, String[] allowed) {
        this.name = name;
        this.min = min;
        this.max = max;
        this.minInclusive = minInclusive;
        this.allowed = allowed;
    }

    /** {@code min <= value <= max}. */
    static ParamRange<Object> closed(String name, double min, double max) {
        return new ParamRange<>(name, min, max, true, null);
    }

    /** {@code min < value <= max}. */
    static ParamRange<Object> openBelow(String name, double min, double max) {
        return new ParamRange<>(name, min, max, false, null);
    }

    /** One of {@code allowed}. */
    static ParamRange<String> oneOf(String name, String... allowed) {
        return new ParamRange<>(name, 0, 0, true, allowed.clone());
    }

    @Override
    public Object apply(T value) {
        if (allowed != null) {
            if (!Arrays.asList(allowed).contains(value)) {
                throw new IllegalArgumentException(name + " : '" + value + "' (expected: one of "
                        + String.join(", ", allowed) + ")");
            }
            return true;
        }
        double v = ((Number) value).doubleValue();
        boolean ok = (minInclusive ? v >= min : v > min) && v <= max;
        if (!ok) {
            throw new IllegalArgumentException(name + " : " + value + " (expected: " + fmt(min)
                    + (minInclusive ? " <= " : " < ") + name + " <= " + fmt(max) + ")");
        }
        return true;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
