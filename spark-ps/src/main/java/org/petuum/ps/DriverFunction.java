package org.petuum.ps;

/**
 * The driver's part of a scheduled run ({@link PsContext#runScheduled}): it runs on the driver as one more
 * worker of the run, with the last worker id, and coordinates the others through tables and clocks
 * (publishing assignments, aggregating what they push) while they run inside their Spark tasks.
 */
@FunctionalInterface
public interface DriverFunction<D> {
    D run(PsWorker self) throws Exception;
}
