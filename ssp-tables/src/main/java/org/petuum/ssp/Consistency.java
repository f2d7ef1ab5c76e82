package org.petuum.ssp;

import java.io.Serializable;
import java.util.Objects;

/**
 * The consistency model of one table: how stale a row may be when a worker reads it.
 *
 * <p>A row of <em>version</em> {@code k} holds every update that every worker made in its clocks {@code < k}.
 * A worker that has completed {@code c} clocks may read a row of version {@code k} iff {@code k >= c - s},
 * where {@code s} is the staleness. {@code s = 0} is bulk synchronous parallel (BSP). {@link Model#ASYNC}
 * reads whatever the shard holds and never waits.
 *
 * <p>Immutable and serializable; instances are values.
 */
public final class Consistency implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The largest staleness accepted: beyond it a table is effectively asynchronous. */
    public static final int MAX_STALENESS = 1_000_000;

    /** The families of consistency models. */
    public enum Model {
        /** Bulk synchronous: a read at clock c sees every update of every clock before c. */
        BSP,
        /** Stale synchronous parallel: a read at clock c sees every update of every clock before c - s. */
        SSP,
        /** No bound: reads never wait. */
        ASYNC
    }

    private static final Consistency BSP = new Consistency(Model.BSP, 0);
    private static final Consistency ASYNC = new Consistency(Model.ASYNC, 0);

    private final Model model;
    private final int staleness;

    private Consistency(Model model, int staleness) {
        this.model = model;
        this.staleness = staleness;
    }

    /** Bulk synchronous parallel: staleness 0. */
    public static Consistency bsp() {
        return BSP;
    }

    /**
     * Stale synchronous parallel with staleness {@code s}; {@code ssp(0)} is {@link #bsp()}.
     *
     * @throws IllegalArgumentException if {@code s} is outside {@code [0, MAX_STALENESS]}
     */
    public static Consistency ssp(int s) {
        if (s < 0 || s > MAX_STALENESS) {
            throw new IllegalArgumentException(
                    "staleness : " + s + " (expected: 0 <= staleness <= " + MAX_STALENESS + ")");
        }
        return s == 0 ? BSP : new Consistency(Model.SSP, s);
    }

    /** Asynchronous: reads never wait for other workers. */
    public static Consistency async() {
        return ASYNC;
    }

    /**
     * Parses the forms that {@link #toString()} prints: {@code BSP}, {@code SSP(3)}, {@code ASYNC}
     * (case-insensitive).
     */
    public static Consistency parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        if (t.equals("BSP")) {
            return BSP;
        }
        if (t.equals("ASYNC")) {
            return ASYNC;
        }
        if (t.startsWith("SSP(") && t.endsWith(")")) {
            try {
                return ssp(Integer.parseInt(t.substring(4, t.length() - 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("consistency : '" + text + "' has no integer staleness", e);
            }
        }
        throw new IllegalArgumentException(
                "consistency : '" + text + "' (expected: BSP, SSP(s) with 0 <= s <= " + MAX_STALENESS + ", or ASYNC)");
    }

    public Model model() {
        return model;
    }

    /** The staleness bound {@code s}; 0 for BSP and ASYNC. */
    public int staleness() {
        return staleness;
    }

    /** Whether a read can ever wait for other workers under this model. */
    public boolean bounded() {
        return model != Model.ASYNC;
    }

    /**
     * The smallest row version that a worker which has completed {@code workerClock} clocks may read;
     * {@link Long#MIN_VALUE} for {@link Model#ASYNC}.
     */
    public long minVersion(int workerClock) {
        return bounded() ? (long) workerClock - staleness : Long.MIN_VALUE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Consistency c && c.model == model && c.staleness == staleness;
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, staleness);
    }

    @Override
    public String toString() {
        return model == Model.SSP ? "SSP(" + staleness + ")" : model.name();
    }

    private Object readResolve() {
        return model == Model.BSP ? BSP : model == Model.ASYNC ? ASYNC : this;
    }
}
