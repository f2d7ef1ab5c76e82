package org.petuum.scheduler;

/**
 * Chooses which model variables a round updates, for apps where every worker works on the same variables over its
 * own rows of data (Lasso). The scheduler tells the schedule what each update did so that a dynamic schedule can
 * favour the variables still moving.
 *
 * <p>Implementations are used by the one scheduler thread of a run and need not be thread-safe.
 */
public interface VariableSchedule {

    /** The number of variables scheduled over. */
    int size();

    /**
     * Up to {@code count} distinct schedulable variables for the next round, in the order the schedule prefers
     * them (a dependency filter keeps earlier ones first). Fewer only when fewer are schedulable.
     */
    int[] select(int count);

    /** Variable {@code j} was updated by {@code delta}. */
    void updated(int j, double delta);

    /**
     * What a full pass learned about variable {@code j}: an update would now move it by {@code expectedDelta}.
     * Lets a dynamic schedule revive variables whose priority decayed while they still have work to do.
     */
    void expected(int j, double expectedDelta);

    /** Takes variable {@code j} out of (or back into) the schedule, e.g. an all-zero column that can never move. */
    void setSchedulable(int j, boolean schedulable);

    /** A short name for reports: {@code dynamic}, {@code random}. */
    String name();
}
