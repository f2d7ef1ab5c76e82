package org.petuum.ps.client;

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
}
