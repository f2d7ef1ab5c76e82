package org.petuum.ssp;

/**
 * Picks, each time a worker completes a clock, the staleness bound that worker's reads of one
 * {@link Consistency#sspAuto(int) SSP_AUTO} table accept during its next clock, within {@code [0, max]}.
 *
 * <p>What it weighs, all measured by the worker itself during the clock that just ended:
 * <ul>
 *   <li><b>Waiting.</b> The share of the clock the worker's reads spent waiting (for slower workers' updates, or
 *       for rows its cache could not serve under the bound). At least {@link #RAISE_WAIT_SHARE}: a straggler (or a
 *       bound too tight to serve reads from the cache), so the bound rises by 1, by 2 when the worker waited at
 *       least as long as it computed ({@link #FAST_RAISE_WAIT_SHARE}).</li>
 *   <li><b>Drift.</b> The size (Euclidean norm) of the worker's updates of the table in the clock. Larger than
 *       {@link #DRIFT_RATIO} times its running mean: the updates grow, which is how stale reads show when they
 *       hurt (steps computed on an outdated model overshoot), so the bound halves. Drift outranks waiting.</li>
 *   <li><b>The spread it observes.</b> The oldest row version its reads were served, against its own clock: how
 *       far behind the slowest worker it sees is. When the worker hardly waited ({@link #IDLE_WAIT_SHARE} or less)
 *       and every row it read was fresher than the bound required, for {@link #UNUSED_CLOCKS} clocks in a row, the
 *       bound was unused: it drops by 1, which costs nothing while the workers keep pace and gives fresher reads.</li>
 * </ul>
 * It starts at {@code max}, optimistically: a loose bound costs nothing while the workers keep pace (a read gets
 * what the shard has, whatever the bound), and starting low would make every worker wait for the slowest at the
 * first clocks, before a single measurement could raise it. Without stragglers the bound then goes unused and
 * falls towards the spread the workers actually have (BSP when they keep in step); growing updates halve it.
 * The rules are deliberately few and fixed; the constants were chosen on one benchmark and checked on another
 * (see the benchmarks' documentation).
 *
 * <p>Deterministic: its decisions depend only on the measurements given, in order (no clock of its own, no
 * randomness), so a test can script them. Not thread-safe: owned by the worker's task thread.
 */
public final class StalenessController {
    /** Share of a clock spent waiting for reads at or above which the bound rises by 1. */
    public static final double RAISE_WAIT_SHARE = 0.10;
    /** Share of a clock spent waiting at or above which it rises by 2 (the worker waited as long as it computed). */
    public static final double FAST_RAISE_WAIT_SHARE = 0.50;
    /** Share of a clock spent waiting at or below which the bound may count as unused. */
    public static final double IDLE_WAIT_SHARE = 0.02;
    /** How much larger than their running mean a clock's updates must be to count as drift. */
    public static final double DRIFT_RATIO = 1.5;
    /** Weight of the newest clock in the running mean of the update sizes. */
    public static final double MEAN_WEIGHT = 0.3;
    /** Clocks in a row with an unused bound before it is lowered. */
    public static final int UNUSED_CLOCKS = 3;

    /** Why the bound changed (or did not) at the last completed clock. */
    public enum Reason {
        /** No clock completed yet. */
        START,
        /** Reads waited for a sizeable share of the clock. */
        WAITED,
        /** The updates grew. */
        DRIFT,
        /** Rows read were fresher than required, without waiting, for several clocks. */
        UNUSED,
        /** Nothing called for a change. */
        KEPT
    }

    private final int max;
    private int bound;
    private Reason reason = Reason.START;
    /** The oldest version served to a read in the current clock, or {@link Long#MAX_VALUE} if none. */
    private long oldestServed = Long.MAX_VALUE;
    private double updateSquares;
    private boolean updatedThisClock;
    /** Running mean of the update sizes of the clocks with updates; NaN before the first. */
    private double meanUpdate = Double.NaN;
    private int unusedClocks;

    /**
     * A controller for a table of {@code Consistency.sspAuto(max)}; the first bound in force is {@code max}.
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public StalenessController(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max : " + max + " (expected: >= 0)");
        }
        this.max = max;
        this.bound = max;
    }

    /** The largest bound it may pick. */
    public int max() {
        return max;
    }

    /** The bound in force: the staleness reads of the worker's current clock accept, in {@code [0, max]}. */
    public int bound() {
        return bound;
    }

    /** Why the bound in force was picked. */
    public Reason reason() {
        return reason;
    }

    /** A read of the current clock was served a row of version {@code version}. */
    public void served(long version) {
        oldestServed = Math.min(oldestServed, version);
    }

    /** The worker's updates of the table in the current clock include ones whose squared norm is {@code squares}. */
    public void updated(double squares) {
        if (squares > 0 && Double.isFinite(squares)) {
            updateSquares += squares;
            updatedThisClock = true;
        }
    }

    /**
     * The worker completed a clock; picks the bound of its next one and returns it.
     *
     * @param clockBefore  the clocks the worker had completed during the clock that ended (its reads asked for
     *                     versions at least {@code clockBefore - bound()})
     * @param waitNanos    how long its reads waited during that clock
     * @param computeNanos how long the rest of the clock took
     */
    public int clockEnded(int clockBefore, long waitNanos, long computeNanos) {
        double norm = Math.sqrt(updateSquares);
        boolean drift = updatedThisClock && meanUpdate > 0 && norm > DRIFT_RATIO * meanUpdate;
        if (updatedThisClock) {
            meanUpdate = Double.isNaN(meanUpdate) ? norm : (1 - MEAN_WEIGHT) * meanUpdate + MEAN_WEIGHT * norm;
        }
        long total = Math.max(0, waitNanos) + Math.max(0, computeNanos);
        double waitShare = total == 0 ? 0 : Math.max(0, waitNanos) / (double) total;
        // Only a bound that could have bitten says anything: before clock `bound` every row is new enough.
        boolean informative = oldestServed != Long.MAX_VALUE && clockBefore >= bound;
        boolean fresherThanNeeded = informative && clockBefore - oldestServed < bound;

        int next = bound;
        if (drift && bound > 0) {
            next = bound / 2;
            reason = Reason.DRIFT;
            unusedClocks = 0;
        } else if (waitShare >= RAISE_WAIT_SHARE) {
            next = bound + (waitShare >= FAST_RAISE_WAIT_SHARE ? 2 : 1);
            reason = Reason.WAITED;
            unusedClocks = 0;
        } else if (waitShare <= IDLE_WAIT_SHARE && fresherThanNeeded && ++unusedClocks >= UNUSED_CLOCKS) {
            next = bound - 1;
            reason = Reason.UNUSED;
            unusedClocks = 0;
        } else {
            reason = Reason.KEPT;
            if (informative && !(waitShare <= IDLE_WAIT_SHARE && fresherThanNeeded)) {
                unusedClocks = 0;
            }
        }
        bound = Math.max(0, Math.min(max, next));
        oldestServed = Long.MAX_VALUE;
        updateSquares = 0;
        updatedThisClock = false;
        return bound;
    }

    @Override
    public String toString() {
        return "StalenessController{bound=" + bound + " of max " + max + ", " + reason + "}";
    }
}
