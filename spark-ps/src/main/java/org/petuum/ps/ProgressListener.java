package org.petuum.ps;

/**
 * Hears how runs and estimators progress (see {@link PsContext#addProgressListener}). Called on a driver thread
 * that also carries the parameter server's progress messages: an implementation must return quickly and must not
 * block (print, record, hand off). An exception it throws is logged and never stops the work.
 */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(Progress progress);
}
