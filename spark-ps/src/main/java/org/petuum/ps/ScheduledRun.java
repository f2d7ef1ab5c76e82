package org.petuum.ps;

import java.util.List;

/**
 * The outcome of {@link PsContext#runScheduled}: what each Spark worker returned, in partition order, and what
 * the driver's function returned.
 */
public record ScheduledRun<R, D>(List<R> workers, D driver) {
}
