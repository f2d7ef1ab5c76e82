package org.petuum.ps;

/**
 * What a run of {@link PsContext#run} did.
 *
 * @param workers     the number of workers
 * @param clocks      the clocks each ran
 * @param wallMillis  the run's wall time on the driver, including scheduling
 * @param waitMillis  per worker, the time it spent waiting for rows and barriers
 */
public record RunSummary(int workers, int clocks, long wallMillis, long[] waitMillis) {
}
