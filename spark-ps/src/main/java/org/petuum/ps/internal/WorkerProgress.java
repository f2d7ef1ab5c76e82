package org.petuum.ps.internal;

import java.io.Serializable;

/** An executor's report to the driver plugin: worker {@code worker} of run {@code runId} has completed {@code clock} clocks. */
public record WorkerProgress(long runId, int worker, int clock) implements Serializable {
}
