package org.petuum.ps.internal;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An executor's report to the driver plugin: worker {@code worker} of run {@code runId} has completed {@code clock}
 * clocks, and the staleness bounds in force for its next clock of its {@code SSP_AUTO} tables, by table name
 * (empty without such tables).
 */
public record WorkerProgress(long runId, int worker, int clock, Map<String, Integer> bounds) implements Serializable {
    public WorkerProgress {
        bounds = Collections.unmodifiableMap(new TreeMap<>(bounds));
    }

    /** A report without adaptive bounds. */
    public WorkerProgress(long runId, int worker, int clock) {
        this(runId, worker, clock, Map.of());
    }
}
