package org.petuum.ps;

import java.io.Serializable;
import java.util.Iterator;

/**
 * The body of one worker of a run: it gets its worker handle and its partition, runs as many clocks as it
 * likes, and returns a result that the driver collects. Shipped to the executors, so it must be serializable.
 */
@FunctionalInterface
public interface WorkerFunction<T, R> extends Serializable {
    R run(PsWorker worker, Iterator<T> partition) throws Exception;
}
