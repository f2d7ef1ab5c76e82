package org.petuum.ssp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * One worker's staleness bounds of its {@link Consistency#sspAuto(int) SSP_AUTO} tables: a
 * {@link StalenessController} per table, created when the worker first touches the table, and what they are fed.
 * {@link WorkerState} asks it for the bound in force of every read and tells it of every row served, every
 * update and every completed clock; the time measurements come from the caller as plain numbers, so the whole is
 * deterministic given its inputs.
 *
 * <p>Not thread-safe: owned by the worker's task thread, like its {@link WorkerState}.
 */
final class AdaptiveBounds {
    private final Int2ObjectOpenHashMap<StalenessController> controllers = new Int2ObjectOpenHashMap<>();
    /** The worker's read-wait total and the time when its current clock began; unknown before the first clock. */
    private long waitAtClockStart;
    private long clockStartNanos;
    private boolean timed;

    /** The controller of {@code table}, created on first use; null for a table that is not adaptive. */
    StalenessController of(TableRef table) {
        Consistency c = table.spec().consistency();
        if (!c.adaptive()) {
            return null;
        }
        StalenessController s = controllers.get(table.id());
        if (s == null) {
            s = new StalenessController(c.staleness());
            controllers.put(table.id(), s);
        }
        return s;
    }

    /** Records that a read of {@code table} (adaptive or not) was served a row of {@code version}. */
    void served(TableRef table, long version) {
        StalenessController s = of(table);
        if (s != null) {
            s.served(version);
        }
    }

    /** Records the worker's updates of the clock, as they leave its oplog. */
    void updated(List<RowUpdate> updates) {
        if (controllers.isEmpty()) {
            return;
        }
        for (RowUpdate u : updates) {
            StalenessController s = controllers.get(u.tableId());
            if (s != null) {
                double[] squares = new double[1];
                u.delta().forEachNonZero((col, v) -> squares[0] += v * v);
                s.updated(squares[0]);
            }
        }
    }

    /**
     * The worker completed a clock: every controller picks the bound of the next one.
     *
     * @param clockBefore the clocks completed before this one
     * @param waitNanos   the worker's total time waiting for rows so far (not for barriers), in nanoseconds; a
     *                    negative value means not measured
     * @param nowNanos    the time now, on the same clock as the previous call's
     */
    void clockEnded(int clockBefore, long waitNanos, long nowNanos) {
        long waited = 0;
        long computed = 0;
        if (waitNanos >= 0) {
            if (timed) {
                waited = Math.max(0, waitNanos - waitAtClockStart);
                computed = Math.max(0, nowNanos - clockStartNanos - waited);
            }
            waitAtClockStart = waitNanos;
            clockStartNanos = nowNanos;
            timed = true;
        }
        for (StalenessController s : controllers.values()) {
            s.clockEnded(clockBefore, waited, computed);
        }
    }

    /** The bound in force of each adaptive table the worker has touched, by name, in {@code tables}' order. */
    Map<String, Integer> bounds(List<TableRef> tables) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (TableRef t : tables) {
            StalenessController s = of(t);
            if (s != null) {
                out.put(t.name(), s.bound());
            }
        }
        return out;
    }
}
