package org.petuum.ssp;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a shard applies the updates that workers push to a table.
 *
 * <ul>
 *   <li>{@link #add()} (the default): an update is a change, added to the row.</li>
 *   <li>{@link #adaGrad(double, double)}: an update is a gradient {@code g}; per cell the shard keeps the sum of
 *       squared gradients {@code G} and steps {@code G += g²; w -= lr · g / (√G + eps)}.</li>
 *   <li>{@link #adam(double, double, double, double)}: an update is a gradient {@code g}; per cell the shard keeps
 *       the moments {@code m, v} and per row the step count {@code t}, and steps
 *       {@code t += 1; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; w -= lr · m̂ / (√v̂ + eps)} with the bias
 *       corrections {@code m̂ = m / (1-β1^t)}, {@code v̂ = v / (1-β2^t)}.</li>
 * </ul>
 *
 * <p>One applied update of a row is one step of that row: a worker's increments of one row within one clock
 * are coalesced into one gradient (they add up) before the step, and each worker's clock is a separate step.
 * (Where a row's updates travel before the end of the clock, each piece that a shard applies is a step.)
 * Adam steps every cell that has state or a gradient, so a sparse table and a dense table fed the same
 * gradients hold the same values. Cells of a sparse table that never received a gradient hold no state.
 *
 * <p>The optimizer state lives on the shard that owns the row. It is dropped with the table and reset for rows
 * whose values are loaded. Checkpoints hold it with the values, as it stood at the checkpoint's clock boundary,
 * so a run recovered from a checkpoint continues as a failure-free run would (see {@code OptimizerShadows}).
 *
 * <p>Immutable and serializable; instances are values.
 */
public final class UpdateRule implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The families of update rules, with the parameters each takes (in the order of {@link #parameters()}). */
    public enum Kind {
        /** Plain addition: no parameters. */
        ADD(),
        /** AdaGrad: learning rate, epsilon. */
        ADAGRAD("lr", "eps"),
        /** Adam: learning rate, beta1, beta2, epsilon. */
        ADAM("lr", "beta1", "beta2", "eps");

        private final String[] parameterNames;

        Kind(String... parameterNames) {
            this.parameterNames = parameterNames;
        }

        /** The number of parameters this kind takes. */
        public int parameterCount() {
            return parameterNames.length;
        }
    }

    private static final UpdateRule ADD = new UpdateRule(Kind.ADD, new double[0]);

    private final Kind kind;
    private final double[] parameters;

    private UpdateRule(Kind kind, double[] parameters) {
        this.kind = kind;
        this.parameters = parameters;
    }

    /** Plain addition: an update is added to the row. The default of every table. */
    public static UpdateRule add() {
        return ADD;
    }

    /**
     * AdaGrad: updates are gradients, and each cell steps by {@code -learningRate · g / (√G + epsilon)} after
     * adding {@code g²} to its sum of squared gradients {@code G}.
     *
     * @throws IllegalArgumentException naming the parameter if one is not finite and positive
     */
    public static UpdateRule adaGrad(double learningRate, double epsilon) {
        return new UpdateRule(Kind.ADAGRAD, new double[] {
                positive("learningRate", learningRate), positive("epsilon", epsilon)});
    }

    /**
     * Adam with bias correction: updates are gradients (see the class comment for the step).
     *
     * @throws IllegalArgumentException naming the parameter if the learning rate or epsilon is not finite and
     *                                  positive, or a beta is outside {@code [0, 1)}
     */
    public static UpdateRule adam(double learningRate, double beta1, double beta2, double epsilon) {
        return new UpdateRule(Kind.ADAM, new double[] {
                positive("learningRate", learningRate), beta("beta1", beta1), beta("beta2", beta2),
                positive("epsilon", epsilon)});
    }

    /**
     * The rule of {@code kind} with {@code parameters} in the order of {@link #parameters()} (what a codec reads
     * back).
     *
     * @throws IllegalArgumentException if the count is wrong or a parameter is out of range
     */
    public static UpdateRule of(Kind kind, double... parameters) {
        Objects.requireNonNull(kind, "kind");
        if (parameters.length != kind.parameterCount()) {
            throw new IllegalArgumentException("update rule " + kind + ": " + parameters.length
                    + " parameters (expected: " + kind.parameterCount() + ")");
        }
        return switch (kind) {
            case ADD -> ADD;
            case ADAGRAD -> adaGrad(parameters[0], parameters[1]);
            case ADAM -> adam(parameters[0], parameters[1], parameters[2], parameters[3]);
        };
    }

    /**
     * Parses the forms that {@link #toString()} prints, case-insensitive, with parameters in any order:
     * {@code ADD}, {@code ADAGRAD(lr=0.1,eps=1e-8)}, {@code ADAM(lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8)}.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static UpdateRule parse(String text) {
        String t = text.trim();
        int open = t.indexOf('(');
        String name = (open < 0 ? t : t.substring(0, open)).trim().toUpperCase(Locale.ROOT);
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.name().equals(name)) {
                kind = k;
            }
        }
        if (kind == null || (open < 0) != (kind == Kind.ADD) || (open >= 0 && !t.endsWith(")"))) {
            throw new IllegalArgumentException("update rule : '" + text + "' (expected: ADD, ADAGRAD(lr=…,eps=…) or "
                    + "ADAM(lr=…,beta1=…,beta2=…,eps=…))");
        }
        if (kind == Kind.ADD) {
            return ADD;
        }
        Map<String, Double> given = new HashMap<>();
        String inside = t.substring(open + 1, t.length() - 1).trim();
        for (String part : inside.isEmpty() ? new String[0] : inside.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (eq < 0 || !Arrays.asList(kind.parameterNames).contains(key)) {
                throw new IllegalArgumentException("update rule : '" + text + "': '" + part.trim()
                        + "' (expected: name=value with a name of " + Arrays.toString(kind.parameterNames) + ")");
            }
            try {
                if (given.put(key, Double.parseDouble(part.substring(eq + 1).trim())) != null) {
                    throw new IllegalArgumentException("update rule : '" + text + "' gives " + key + " twice");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("update rule : '" + text + "': " + key + " is not a number", e);
            }
        }
        double[] values = new double[kind.parameterCount()];
        for (int i = 0; i < values.length; i++) {
            Double v = given.get(kind.parameterNames[i]);
            if (v == null) {
                throw new IllegalArgumentException("update rule : '" + text + "' lacks " + kind.parameterNames[i]
                        + " (expected: " + Arrays.toString(kind.parameterNames) + ")");
            }
            values[i] = v;
        }
        return of(kind, values);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether updates are added as they are ({@link #add()}), rather than being gradients of an optimizer. */
    public boolean isAdd() {
        return kind == Kind.ADD;
    }

    /** The parameters in the order of {@link Kind}'s comment (empty for {@link #add()}); a copy. */
    public double[] parameters() {
        return parameters.clone();
    }

    /** The learning rate; 0 for {@link #add()}. */
    public double learningRate() {
        return kind == Kind.ADD ? 0 : parameters[0];
    }

    /** Adam's decay of the first moment; 0 for the others. */
    public double beta1() {
        return kind == Kind.ADAM ? parameters[1] : 0;
    }

    /** Adam's decay of the second moment; 0 for the others. */
    public double beta2() {
        return kind == Kind.ADAM ? parameters[2] : 0;
    }

    /** The term added to the root in the denominator; 0 for {@link #add()}. */
    public double epsilon() {
        return kind == Kind.ADD ? 0 : parameters[parameters.length - 1];
    }

    private static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " : " + value + " (expected: finite and > 0)");
        }
        return value;
    }

    private static double beta(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " : " + value + " (expected: 0 <= " + name + " < 1)");
        }
        return value + 0.0; // -0.0 becomes 0.0, so that equal rules have equal parameters
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpdateRule r && r.kind == kind && Arrays.equals(r.parameters, parameters);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Arrays.hashCode(parameters);
    }

    @Override
    public String toString() {
        if (kind == Kind.ADD) {
            return "ADD";
        }
        StringBuilder b = new StringBuilder(kind.name()).append('(');
        for (int i = 0; i < parameters.length; i++) {
            b.append(i == 0 ? "" : ",").append(kind.parameterNames[i]).append('=').append(number(parameters[i]));
        }
        return b.append(')').toString();
    }

    /** A shortest-looking form that parses back to exactly {@code x}: {@code 1e-8}, not {@code 1.0E-8}. */
    private static String number(double x) {
        String s = Double.toString(x);
        int e = s.indexOf('E');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return e < 0 ? mantissa : mantissa + "e" + s.substring(e + 1);
    }

    private Object readResolve() {
        return kind == Kind.ADD ? ADD : this;
    }
}
