package org.petuum.ssp;

/**
 * A read given to {@link ShardState#read}: some rows of a table, or only a wait for a clock, that may have to wait
 * for the shard's minimum clock. Immutable (the row array is not copied: the caller must not change it).
 *
 * @param <T> the caller's token, returned with the answer
 */
public final class ShardRead<T> {
    /**
     * A read that asks for no table: it only waits for the minimum clock (a global barrier). The transport sends
     * such waits as their own message; these ids only tell the kinds of read apart inside the shard.
     */
    public static final int NO_TABLE = -1;
    /**
     * A read that asks for no table and waits until every worker <em>but the reader</em> has reached the
     * version: how a scheduling worker waits for the others' results of a round without ending its own clock.
     */
    public static final int OTHERS_ONLY = -2;

    final T token;
    final int tableId;
    final int[] rows;
    final long minVersion;
    final int worker;
    final int workerClock;
    final long arrivalNanos;
    final long deadlineNanos;
    final Object subscriber;

    /**
     * @param token        what the caller needs to answer it
     * @param tableId      the table, or {@link #NO_TABLE} to only wait for the clock
     * @param rows         the row ids, all held by this shard
     * @param minVersion   the smallest acceptable version ({@link Long#MIN_VALUE}: never wait)
     * @param worker       the reading worker (for error messages)
     * @param workerClock  its clock (for error messages)
     * @param arrivalNanos when the read arrived
     * @param deadlineNanos when it expires if still waiting
     */
    public ShardRead(T token, int tableId, int[] rows, long minVersion, int worker, int workerClock,
                     long arrivalNanos, long deadlineNanos) {
        this(token, tableId, rows, minVersion, worker, workerClock, arrivalNanos, deadlineNanos, null);
    }

    /**
     * A wait for a clock that reads no table: until the shard's visible clock reaches {@code minClock} (a global
     * barrier), or, with {@code othersOnly}, until every worker but {@code worker} has completed {@code minClock}
     * clocks. Answered with no rows, under the table id {@link #NO_TABLE} or {@link #OTHERS_ONLY}.
     */
    public static <T> ShardRead<T> awaitClock(T token, boolean othersOnly, long minClock, int worker, int workerClock,
                                              long arrivalNanos, long deadlineNanos) {
        return new ShardRead<>(token, othersOnly ? OTHERS_ONLY : NO_TABLE, new int[0], minClock, worker, workerClock,
                arrivalNanos, deadlineNanos);
    }

    /**
     * As the other constructor, and {@code subscriber} (the reader's process, e.g. its connection) is sent
     * fresh copies of the rows of a pushing (ESSP) table whenever the minimum clock advances.
     */
    public ShardRead(T token, int tableId, int[] rows, long minVersion, int worker, int workerClock,
                     long arrivalNanos, long deadlineNanos, Object subscriber) {
        this.subscriber = subscriber;
        this.token = token;
        this.tableId = tableId;
        this.rows = rows;
        this.minVersion = minVersion;
        this.worker = worker;
        this.workerClock = workerClock;
        this.arrivalNanos = arrivalNanos;
        this.deadlineNanos = deadlineNanos;
    }

    /** Whether this read asks for no table, only waits for a clock ({@link #NO_TABLE}, {@link #OTHERS_ONLY}). */
    boolean asksNoTable() {
        return tableId == NO_TABLE || othersOnly();
    }

    /** Whether this read waits for every worker but its own ({@link #OTHERS_ONLY}). */
    boolean othersOnly() {
        return tableId == OTHERS_ONLY;
    }
}
