package org.petuum.ps.client;

import java.util.Map;

/**
 * Hears of every clock a worker of this process completes. Called on the worker's own thread right after the
 * clock's updates were handed to the network, so an implementation must return at once (no blocking I/O).
 */
@FunctionalInterface
public interface ClockListener {
    ClockListener NONE = (runId, worker, clock, last) -> { };

    /**
     * @param clock the clocks {@code worker} has completed in run {@code runId}
     * @param last  true when the worker has ended (its function returned and its updates are acknowledged)
     */
    void clocked(long runId, int worker, int clock, boolean last);

    /**
     * As {@link #clocked(long, int, int, boolean)}, with the staleness bound in force for the worker's next clock of
     * each of its {@code SSP_AUTO} tables, by table name (empty without such tables). By default the bounds are
     * not heard.
     */
    default void clocked(long runId, int worker, int clock, boolean last, Map<String, Integer> bounds) {
        clocked(runId, worker, clock, last);
    }
}
