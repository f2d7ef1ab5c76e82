package org.petuum.ps;

import java.io.Serializable;
import java.util.List;

/**
 * One clock of one worker: called by {@link PsContext#run} once per clock with the worker's whole partition;
 * the runner calls {@link PsWorker#clock()} after it. Shipped to the executors, so it must be serializable.
 */
@FunctionalInterface
public interface ClockFunction<T> extends Serializable {
    void clock(PsWorker worker, List<T> partition, int clock) throws Exception;
}
