package org.petuum.ssp;

import java.util.List;

/**
 * Everything one shard server holds: its part of every table, the clocks of the current run's workers,
 * which flushes it has applied, and the reads that wait for slower workers.
 *
 * <p>This is the shard's logic as a plain state machine; the transport feeds it messages and sends what it
 * returns. Each {@code (worker, clock)} flush is applied exactly once: a repeated one is recognised and
 * dropped. A read is answered as soon as the shard's minimum clock reaches the version it asks for, or
 * expires at its deadline with a message that names the slowest worker.
 *
 * <p>A worker's <em>last</em> flush (sent when its function returns) carries what it updated after its last
 * clock, tagged with the clock it had not completed. It finishes the worker: reads stop waiting for it (a row
 * holds everything it will ever send), while checkpoints still count it at that clock, so no checkpoint image
 * holds its last updates and a run recovered from one has the worker send them again, once. Any later flush of
 * a finished worker is a repeat (dropped) or an error.
 *
 * <p>Not thread-safe: the owner serialises every call (the shard server holds one lock around it).
 * Time is passed in (nanoseconds from any fixed origin), so tests control it.
 *
 * @param <T> the caller's token for a waiting read (e.g. the connection and request id to answer)
 */
public final class ShardState<T> {
    private final int shardIndex;
    private final ShardTables tables;
    private final ShardCheckpointer checkpoints;
    private final AnswerLimit answers = new AnswerLimit();
    private final WaitingReads<T> parked = new WaitingReads<>();
    private final Subscriptions subscriptions = new Subscriptions();

    private long runId = -1;
    private VectorClock clocks;

    public ShardState(int shardIndex, RowPartitioner partitioner) {
        this.tables = new ShardTables(shardIndex, partitioner);
        this.shardIndex = shardIndex;
        this.checkpoints = new ShardCheckpointer(tables);
    }

    public int shardIndex() {
        return shardIndex;
    }

    /** Creates a table; creating the same table again is a no-op, another spec under the same id is an error. */
    public void createTable(TableRef table) {
        if (tables.create(table)) {
            checkpoints.tableCreated(table);
        }
    }

    /** Drops a table and its rows; unknown ids are ignored (dropping is idempotent). */
    public void dropTable(int tableId) {
        subscriptions.dropTable(tableId);
        tables.drop(tableId);
        checkpoints.tableDropped(tableId);
    }

    /** The table with this id, or an error that names the id. */
    public TableRef table(int tableId) {
        return tables.get(tableId);
    }

    public int tableCount() {
        return tables.count();
    }

    /** What this shard stores now, over every table (see {@link ShardStorage}). Walks every row object: for metrics. */
    public ShardStorage storage() {
        return tables.storage();
    }

    /**
     * Starts a run of {@code workers} workers at clock 0. Reads still waiting from an earlier run fail.
     * Table contents are kept: a run continues from where the last one left the tables.
     */
    public List<ExpiredRead<T>> beginRun(long newRunId, int workers) {
        return beginRun(newRunId, workers, 0, 0);
    }

    /**
     * Starts a run of {@code workers} workers, all at clock {@code startClock} (a run resumed from a checkpoint
     * of that clock), taking a checkpoint image every {@code checkpointInterval} clocks (0: none). Reads still
     * waiting from an earlier run fail.
     */
    public List<ExpiredRead<T>> beginRun(long newRunId, int workers, int startClock, int checkpointInterval) {
        checkpoints.begin(startClock, checkpointInterval);
        List<ExpiredRead<T>> failed = failWaiting("run " + runId + " was replaced by run " + newRunId);
        this.runId = newRunId;
        this.clocks = new VectorClock(workers, startClock);
        this.subscriptions.clear();
        return failed;
    }

    private List<ExpiredRead<T>> failWaiting(String why) {
        return parked.failAll("shard " + shardIndex + ": " + why + " while a read waited");
    }

    public long runId() {
        return runId;
    }

    /**
     * The minimum clock of the current run's workers (0 before any run), counting a finished worker at the clock
     * its last flush was tagged with: what checkpoints are taken at.
     */
    public int minClock() {
        return clocks == null ? 0 : clocks.min();
    }

    /**
     * The version of the rows this shard serves: the minimum clock of the workers that have not finished. A row
     * holds every update of every clock below it, and every update of the finished workers.
     */
    public int visibleClock() {
        return clocks == null ? 0 : clocks.visibleMin();
    }

    /** Whether {@code worker} of the current run has sent its last flush. */
    public boolean isFinished(int worker) {
        checkRun(runId, worker);
        return clocks.isFinished(worker);
    }

    /** The current run's clock of {@code worker}. */
    public int clockOf(int worker) {
        checkRun(runId, worker);
        return clocks.clockOf(worker);
    }

    /**
     * Applies the updates that {@code worker} made in its clock {@code clock} (0-based) and advances its
     * clock to {@code clock + 1}. A flush this shard has already applied is dropped whole.
     *
     * @return whether it was applied, and the waiting reads that can now be answered
     * @throws IllegalArgumentException if the run, worker, a table, row or column is wrong, or a clock was
     *                                  skipped; nothing is applied then
     */
    public FlushResult<T> flush(long flushRunId, int worker, int clock, List<RowUpdate> updates) {
        return flush(flushRunId, worker, clock, updates, false);
    }

    /**
     * As {@link #flush(long, int, int, List)}; with {@code last}, the worker's last flush: {@code clock} is the
     * clock it had not completed, the updates are applied, and the worker is finished instead of advanced (see the
     * class comment). A repeat of a finished worker's flushes is dropped; a flush of a later clock is an error.
     */
    public FlushResult<T> flush(long flushRunId, int worker, int clock, List<RowUpdate> updates, boolean last) {
        return flush(flushRunId, worker, clock, updates, last, null);
    }

    /**
     * As {@link #flush(long, int, int, List, boolean)}, from the process {@code flusher} (its connection, as given
     * to {@link ShardRead}; {@code null} if unknown): when a flush that ends a clock is applied, the result also pushes
     * to {@code flusher} fresh copies of every row of an ASYNC table it has read here
     * ({@link Consistency#pushesOnFlush()}), which keeps its cache at most one of its clocks behind this shard.
     */
    public FlushResult<T> flush(long flushRunId, int worker, int clock, List<RowUpdate> updates, boolean last,
                                Object flusher) {
        checkRun(flushRunId, worker);
        int current = clocks.clockOf(worker);
        if (clocks.isFinished(worker)) {
            if (clock <= current) {
                return new FlushResult<>(false, List.of());
            }
            throw new IllegalArgumentException("shard " + shardIndex + ": worker " + worker + " flushed clock " + clock
                    + " after its last flush, of clock " + current);
        }
        if (clock < current) {
            if (last) {
                throw new IllegalArgumentException("shard " + shardIndex + ": worker " + worker + " sent its last "
                        + "flush for clock " + clock + " but has completed " + current + " clocks here");
            }
            return new FlushResult<>(false, List.of());
        }
        if (clock > current) {
            throw new IllegalArgumentException("shard " + shardIndex + ": worker " + worker + " flushed clock "
                    + clock + " but its next clock here is " + current + " (a flush was lost)");
        }
        tables.checkUpdates(updates);
        int visibleBefore = clocks.visibleMin();
        applyUpdates(clock, updates);
        List<CheckpointImage> images = List.of();
        if (last) {
            // The clock stays: the minimum that checkpoints follow cannot move, and no image holds these updates.
            clocks.finish(worker);
            checkpoints.workerFinished(clock);
        } else if (clocks.advance(worker, clock + 1)) {
            images = checkpoints.minimumReached(clocks.min());
        }
        boolean visibleAdvanced = clocks.visibleMin() > visibleBefore;
        // Waits on the other workers can be satisfied without the minimum moving (it may be the waiter's own).
        boolean othersWaiting = parked.anyWaitingForOthers();
        List<ServedRead<T>> released = visibleAdvanced || othersWaiting ? releaseReady() : List.of();
        List<ShardPush> pushes = subscriptions.afterFlush(tables, visibleAdvanced, last ? null : flusher,
                visibleClock());
        return new FlushResult<>(true, released, images, pushes);
    }

    /**
     * Applies updates that {@code worker} sends before the end of its clock {@code clock} (managed
     * communication, value-bounded tables). They do not advance its clock; the flush of the clock still comes.
     *
     * @throws IllegalArgumentException if the run, worker, a table, row or column is wrong, or the clock is not
     *                                  the worker's current one here; nothing is applied then
     */
    public void applyEarly(long runId, int worker, int clock, List<RowUpdate> updates) {
        checkRun(runId, worker);
        if (clocks.isFinished(worker)) {
            throw new IllegalArgumentException("shard " + shardIndex + ": worker " + worker + " sent updates of clock "
                    + clock + " after its last flush");
        }
        if (clock != clocks.clockOf(worker)) {
            throw new IllegalArgumentException("shard " + shardIndex + ": worker " + worker + " sent updates of clock "
                    + clock + " but its current clock here is " + clocks.clockOf(worker));
        }
        tables.checkUpdates(updates);
        applyUpdates(clock, updates);
        subscriptions.tallyEarly(updates);
    }

    // ---- pushes (ESSP, managed communication) ---------------------------------------------------------------

    /**
     * Turns on managed pushes: rows of clock-bounded tables that a process read are remembered, and updates sent
     * between clocks are tallied per row, so {@link #mostChangedPushes} can send the most-changed rows back, each
     * push message costing {@code messageBytes} besides its rows (the transport's frame and fixed fields).
     */
    public void managedPush(boolean on, long messageBytes) {
        subscriptions.managed(on, messageBytes);
    }

    /**
     * The rows changed most since their last push (relative to their size: change / largest cell), for the
     * processes that read them, as many as fit in {@code budgetBytes} on the wire; their tallies restart.
     */
    public List<ShardPush> mostChangedPushes(long budgetBytes) {
        return subscriptions.mostChanged(tables, budgetBytes, visibleClock());
    }

    /** Forgets what {@code subscriber} subscribed to (its connection closed); returns the number of rows. */
    public int unsubscribe(Object subscriber) {
        return subscriptions.unsubscribe(subscriber);
    }

    private void applyUpdates(int clock, List<RowUpdate> updates) {
        for (RowUpdate u : updates) {
            checkpoints.applied(clock, u, tables.apply(u));
        }
    }

    /**
     * Answers a read now if the shard's minimum clock has reached its version; otherwise keeps it waiting.
     *
     * @return the answer, or {@code null} if the read now waits
     * @throws IllegalArgumentException for an unknown table or a row not held by this shard
     */
    public ServedRead<T> read(ShardRead<T> read) {
        if (!read.asksNoTable()) {
            TableRef t = table(read.tableId);
            for (int row : read.rows) {
                tables.checkOwned(t, row);
            }
            String over = answers.overLimit(tables, t, read.rows);
            if (over != null) {
                throw new AnswerTooLargeException(over);
            }
        }
        if (ready(read)) {
            return serve(read);
        }
        if (clocks == null || read.worker < 0 || read.worker >= clocks.workers()) {
            throw new IllegalArgumentException("shard " + shardIndex + ": a read for version " + read.minVersion
                    + " from worker " + read.worker + " can never be served: no run with that worker is active");
        }
        parked.add(read);
        return null;
    }

    /**
     * How big an answer may be: a read or range read whose rows would take more than {@code maxBytes} as
     * {@code sizer} counts them is refused, before any row is copied, with a message naming {@code limitName}.
     * Unlimited until called.
     */
    public void limitAnswers(long maxBytes, AnswerSizer sizer, String limitName) {
        answers.set(maxBytes, sizer, limitName);
    }

    /** Forgets the waiting reads whose token matches (their asker is gone); returns how many. */
    public int dropWaiting(java.util.function.Predicate<T> gone) {
        return parked.drop(gone);
    }

    /** The number of reads that wait. */
    public int waitingReads() {
        return parked.size();
    }

    /** Fails and removes every waiting read whose deadline is at or before {@code nowNanos}. */
    public List<ExpiredRead<T>> expire(long nowNanos) {
        return parked.expire(nowNanos, r -> timeoutMessage(r, nowNanos));
    }

    /**
     * Sets rows of a table to copies of {@code values}, replacing what they held (loading initial or saved
     * values). All rows are checked before any is written.
     *
     * @throws IllegalArgumentException for an unknown table, a row not held here or a row of the wrong width
     */
    public void putRows(int tableId, int[] rows, RowValues[] values) {
        checkpoints.rowsPut(tableId, rows, tables.put(tableId, rows, values));
    }

    /**
     * An image of every table at the current minimum clock. Meant for the start of a run (nothing of it is
     * ahead yet): the image a failed run falls back to when no later checkpoint completed.
     */
    public CheckpointImage checkpointNow() {
        return checkpoints.imageAt(minClock());
    }

    /**
     * Replaces the rows of every table in {@code image} with the image's rows (rows it lacks become zero), and ends
     * the current run: until the next {@link #beginRun}, every flush and every read that waits is refused, so that
     * a worker of the failed attempt that is still running cannot write onto the restored rows. Reads that were
     * waiting fail (returned, to be answered with their message).
     *
     * @throws IllegalArgumentException if the image is of another shard, or a table differs from the one here
     */
    public List<ExpiredRead<T>> restore(CheckpointImage image) {
        tables.restore(image);
        List<ExpiredRead<T>> failed = failWaiting("run " + runId + " was restored from the checkpoint of clock "
                + image.clock());
        this.clocks = null; // the failed attempt's run id is no longer accepted
        checkpoints.stop();
        subscriptions.clear();
        return failed;
    }

    /** Copies of the materialised rows of a table with ids in {@code [fromRow, toRow)} held by this shard. */
    public RowsSnapshot readRange(int tableId, int fromRow, int toRow) {
        TableRef t = table(tableId);
        int[] ids = tables.storedIds(tableId, fromRow, toRow);
        answers.checkRange(tables, t, ids, fromRow, toRow);
        return new RowsSnapshot(tableId, visibleClock(), ids, tables.snapshots(tableId, ids));
    }

    private boolean ready(ShardRead<T> r) {
        if (r.othersOnly() && clocks != null && r.worker >= 0 && r.worker < clocks.workers()) {
            return clocks.minExcluding(r.worker) >= r.minVersion;
        }
        return visibleClock() >= r.minVersion;
    }

    private List<ServedRead<T>> releaseReady() {
        // A read of a table dropped while it waited cannot be answered: it stays until its deadline or the next
        // run fails it, with a message that says the table was dropped.
        return parked.release(r -> ready(r) && (r.asksNoTable() || tables.contains(r.tableId)), r -> {
            // Sparse rows may have grown while the read waited: sized again before anything is copied.
            String over = r.asksNoTable() ? null : answers.overLimit(tables, tables.get(r.tableId), r.rows);
            return over == null ? serve(r) : new ServedRead<>(r.token, null, over);
        });
    }

    private ServedRead<T> serve(ShardRead<T> read) {
        if (read.subscriber != null && read.tableId >= 0) {
            subscriptions.subscribeIfPushed(read.subscriber, tables.table(read.tableId), read.rows);
        }
        if (read.asksNoTable()) {
            return new ServedRead<>(read.token,
                    new RowsSnapshot(read.tableId, visibleClock(), new int[0], new RowValues[0]));
        }
        RowValues[] values = tables.snapshots(read.tableId, read.rows);
        return new ServedRead<>(read.token, new RowsSnapshot(read.tableId, visibleClock(), read.rows.clone(), values));
    }

    private String timeoutMessage(ShardRead<T> r, long nowNanos) {
        TableRef t = tables.table(r.tableId);
        String what = r.tableId == ShardRead.NO_TABLE ? "global barrier"
                : r.othersOnly() ? "wait for the other workers"
                : t == null ? "table id " + r.tableId + " (dropped)" : "table '" + t.name() + "'";
        int slowest = r.othersOnly() ? clocks.slowestExcluding(r.worker) : clocks.slowestWorker();
        return what + ": worker " + r.worker + " at clock " + r.workerClock + " waited "
                + (nowNanos - r.arrivalNanos) / 1_000_000 + " ms on shard " + shardIndex
                + " for worker " + slowest + ", which is at clock " + clocks.clockOf(slowest)
                + " while clock " + r.minVersion + " is needed";
    }

    private void checkRun(long id, int worker) {
        if (clocks == null || id != runId) {
            throw new IllegalArgumentException("shard " + shardIndex + ": run " + id + " is not the active run "
                    + (clocks == null ? "(none started)" : runId));
        }
        if (worker < 0 || worker >= clocks.workers()) {
            throw new IllegalArgumentException("shard " + shardIndex + ": worker " + worker + " outside [0, "
                    + clocks.workers() + ") of run " + runId);
        }
    }
}
