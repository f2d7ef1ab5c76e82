package org.petuum.ssp;

import java.io.Serializable;
import java.util.Objects;

/**
 * The consistency model of one table: how stale a row may be when a worker reads it.
 *
 * <p>A row of <em>version</em> {@code k} holds every update that every worker made in its clocks {@code < k}.
 * A worker that has completed {@code c} clocks may read a row of version {@code k} iff {@code k >= c - s},
 * where {@code s} is the staleness. {@code s = 0} is bulk synchronous parallel (BSP). {@link Model#ESSP} has
 * the same bound, but shards push fresh rows to the processes that read them whenever their clock advances,
 * so reads rarely wait. {@link Model#ASYNC} never waits for other workers: a read returns the process's cached
 * copy of a row as long as it is at most one clock behind the reader (it holds everything its shard held when it
 * received the reader's flush of the clock before last), and shards keep that copy fresh by pushing the rows a
 * process reads back to it after each of its flushes, so a cached ASYNC row is read without asking the network.
 * {@link Model#VALUE_BOUND} bounds values instead of clocks: a read never misses updates of other workers
 * whose magnitude (largest change of one cell, summed over updates) reaches {@code v}.
 * {@link Model#SSP_AUTO} is SSP whose bound each worker chooses anew at every clock, within {@code [0, max]}
 * (see {@link #sspAuto(int)}); shards treat it as {@code SSP(max)}, the loosest bound a worker may pick.
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
        /**
         * No bound on other workers: reads never wait for them, and are served from the process cache while the
         * cached row is at most one of the reader's clocks behind its shard (see {@link Consistency#pushesOnFlush()}).
         */
        ASYNC,
        /** Eager SSP: the SSP bound, with shards pushing fresh rows to the readers as their clock advances. */
        ESSP,
        /** Value-bounded: what a read may miss of other workers' updates is below {@code v} in magnitude. */
        VALUE_BOUND,
        /**
         * Adaptive SSP: each worker picks, at each of its clocks, the staleness its reads of the next clock accept,
         * within {@code [0, max]} (see {@link Consistency#sspAuto(int)}); {@link Consistency#staleness()} is the
         * {@code max}. Declared last: codecs and checkpoints store the ordinal.
         */
        SSP_AUTO
    }

    private static final Consistency BSP = new Consistency(Model.BSP, 0);
    private static final Consistency ASYNC = new Consistency(Model.ASYNC, 0);

    private final Model model;
    private final int staleness;
    private final double valueBound;

    private Consistency(Model model, int staleness) {
        this(model, staleness, 0);
    }

    private Consistency(Model model, int staleness, double valueBound) {
        this.model = model;
        this.staleness = staleness;
        this.valueBound = valueBound;
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
        checkStaleness(s);
        return s == 0 ? BSP : new Consistency(Model.SSP, s);
    }

    /**
     * Eager SSP with staleness {@code s}: the SSP guarantee, and shards push every row a process has read to it
     * when their minimum clock advances.
     */
    public static Consistency essp(int s) {
        checkStaleness(s);
        return new Consistency(Model.ESSP, s);
    }

    /**
     * Adaptive stale synchronous parallel: SSP whose staleness adapts while the run goes, within {@code [0, max]}.
     * Each worker owns a controller per table (in {@code ssp-tables}, {@code StalenessController}) that, when the
     * worker completes a clock, picks the bound for its next clock from what the worker measured: raised when its
     * reads waited for slower workers for a sizeable share of the clock, lowered when its updates of the table grow
     * (a sign of drift) or when the bound went unused (no waiting, rows served fresher than required). Every read
     * satisfies the bound in force for the reader at that moment, hence always {@code SSP(max)}; shards need not
     * know the bound, because readers send the smallest acceptable version with each request.
     *
     * @throws IllegalArgumentException if {@code max} is outside {@code [1, MAX_STALENESS]}
     */
    public static Consistency sspAuto(int max) {
        if (max < 1 || max > MAX_STALENESS) {
            throw new IllegalArgumentException(
                    "max staleness : " + max + " (expected: 1 <= max <= " + MAX_STALENESS + ")");
        }
        return new Consistency(Model.SSP_AUTO, max);
    }

    /**
     * Value-bounded consistency: a read of a row never misses updates of other workers whose total magnitude
     * (the largest change of one cell, summed over their updates) reaches {@code v}. Writers send a row's
     * updates as soon as their unsent and unacknowledged magnitude would reach their share of {@code v}.
     *
     * @throws IllegalArgumentException if {@code v} is not finite and positive
     */
    public static Consistency valueBound(double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("value bound : " + v + " (expected: finite and > 0)");
        }
        return new Consistency(Model.VALUE_BOUND, 0, v);
    }

    /**
     * The model with these parameters (what a codec reads back); the parameter a model does not use is ignored.
     *
     * @throws IllegalArgumentException if a used parameter is out of range
     */
    public static Consistency of(Model model, int staleness, double valueBound) {
        switch (model) {
            case BSP:
                return BSP;
            case SSP:
                return ssp(staleness);
            case ESSP:
                return essp(staleness);
            case ASYNC:
                return ASYNC;
            case SSP_AUTO:
                return sspAuto(staleness);
            default:
                return valueBound(valueBound);
        }
    }

    private static void checkStaleness(int s) {
        if (s < 0 || s > MAX_STALENESS) {
            throw new IllegalArgumentException(
                    "staleness : " + s + " (expected: 0 <= staleness <= " + MAX_STALENESS + ")");
        }
    }

    /** Asynchronous: reads never wait for other workers. */
    public static Consistency async() {
        return ASYNC;
    }

    /**
     * Parses the forms that {@link #toString()} prints: {@code BSP}, {@code SSP(3)}, {@code ESSP(3)},
     * {@code ASYNC}, {@code VALUE_BOUND(0.5)}, {@code SSP_AUTO(5)} (case-insensitive).
     */
    public static Consistency parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        if (t.equals("BSP")) {
            return BSP;
        }
        if (t.equals("ASYNC")) {
            return ASYNC;
        }
        try {
            if (t.startsWith("SSP(") && t.endsWith(")")) {
                return ssp(Integer.parseInt(t.substring(4, t.length() - 1).trim()));
            }
            if (t.startsWith("SSP_AUTO(") && t.endsWith(")")) {
                return sspAuto(Integer.parseInt(t.substring(9, t.length() - 1).trim()));
            }
            if (t.startsWith("ESSP(") && t.endsWith(")")) {
                return essp(Integer.parseInt(t.substring(5, t.length() - 1).trim()));
            }
            if (t.startsWith("VALUE_BOUND(") && t.endsWith(")")) {
                return valueBound(Double.parseDouble(t.substring(12, t.length() - 1).trim()));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("consistency : '" + text + "' has no number in its parentheses", e);
        }
        throw new IllegalArgumentException("consistency : '" + text + "' (expected: BSP, SSP(s) or ESSP(s) with 0 <= s <= "
                + MAX_STALENESS + ", ASYNC, or VALUE_BOUND(v) with v > 0; or SSP_AUTO(max) with 1 <= max <= "
                + MAX_STALENESS + ")");
    }

    public Model model() {
        return model;
    }

    /** The staleness bound {@code s} (for SSP_AUTO its largest, {@code max}); 0 for BSP, ASYNC and VALUE_BOUND. */
    public int staleness() {
        return staleness;
    }

    /** The value bound {@code v} of {@link Model#VALUE_BOUND}; 0 for the others. */
    public double valueBound() {
        return valueBound;
    }

    /** Whether reads are bounded by clocks (BSP, SSP, ESSP, SSP_AUTO): they may wait for slower workers. */
    public boolean bounded() {
        return model == Model.BSP || model == Model.SSP || model == Model.ESSP || model == Model.SSP_AUTO;
    }

    /** Whether each worker picks the bound of its reads per clock, within {@code [0, staleness()]} (SSP_AUTO). */
    public boolean adaptive() {
        return model == Model.SSP_AUTO;
    }

    /** Whether shards push fresh rows to the processes that read them (ESSP). */
    public boolean pushes() {
        return model == Model.ESSP;
    }

    /**
     * Whether a shard pushes fresh copies of the rows a process reads back to it after each flush from that
     * process (ASYNC): the flush is the refresh request, so a cached row stays at most one clock behind without
     * the reader ever asking.
     */
    public boolean pushesOnFlush() {
        return model == Model.ASYNC;
    }

    /**
     * The smallest row version that a worker which has completed {@code workerClock} clocks may read;
     * {@link Long#MIN_VALUE} for {@link Model#ASYNC}. For {@link Model#SSP_AUTO} the loosest one, under its
     * {@code max}: a worker's reads use the bound in force ({@code WorkerState#minVersion}).
     */
    public long minVersion(int workerClock) {
        return bounded() ? (long) workerClock - staleness : Long.MIN_VALUE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Consistency c && c.model == model && c.staleness == staleness
                && Double.compare(c.valueBound, valueBound) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, staleness, valueBound);
    }

    @Override
    public String toString() {
        switch (model) {
            case SSP:
            case ESSP:
            case SSP_AUTO:
                return model.name() + "(" + staleness + ")";
            case VALUE_BOUND:
                return "VALUE_BOUND(" + valueBound + ")";
            default:
                return model.name();
        }
    }

    private Object readResolve() {
        return model == Model.BSP ? BSP : model == Model.ASYNC ? ASYNC : this;
    }
}
