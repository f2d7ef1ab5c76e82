package org.petuum.ps;

import java.util.concurrent.CompletableFuture;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.OpLog;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * A worker's handle on one table: reads under the table's consistency model, increments buffered in the
 * worker's oplog until its next {@link PsWorker#clock()}, or, for those made after its last clock, until its
 * function returns ({@link PsWorker#close()}).
 *
 * <p>A read returns a row that holds every update of every worker's clocks older than the table's staleness
 * bound allows, and every update this worker made itself (read-my-writes), including those not yet sent.
 * It blocks until the shard can guarantee that, at most {@code spark.petuum.readTimeout}. Under ASYNC, which
 * bounds no clocks, a read returns the process's cached row as long as it is at most one clock behind this
 * worker (it holds everything its shard held when it received this worker's flush of the clock before last);
 * shards push a process's ASYNC rows after each of its flushes, so a cached row is read without asking, and a
 * read waits (at most a second) only for a push still on its way, or asks the shard for a row not cached.
 *
 * <p>In a table with a server-side optimizer ({@link TableSpec#updateRule()} is AdaGrad or Adam) an increment is
 * a gradient, which changes the values only when a shard applies its optimizer step to it. There, read-my-writes
 * means that every gradient this worker has <em>sent</em> (at its {@link PsWorker#clock()}) has been applied;
 * the gradients of its current clock are not in what it reads.
 *
 * <p>Not thread-safe: use it from the task thread that owns its worker.
 */
public final class PsTable {
    private final PsWorker worker;
    private final TableRef ref;

    PsTable(PsWorker worker, TableRef ref) {
        this.worker = worker;
        this.ref = ref;
    }

    public String name() {
        return ref.name();
    }

    public TableSpec spec() {
        return ref.spec();
    }

    TableRef ref() {
        return ref;
    }

    /** Row {@code row} as a new dense array of {@code cols} doubles. */
    public double[] get(int row) {
        return array(getRow(row));
    }

    /**
     * Rows {@code rows}, in the order asked, as new dense arrays the caller owns. Rows the process cache cannot
     * serve are fetched from their shards: one request per shard, or several when the rows are more than
     * {@link PsConf#MAX_ROWS_PER_REQUEST}, their answer would not fit one frame, or (dense rows) it would be over
     * about a megabyte; all of them are sent at once and their answers taken as they arrive.
     */
    public double[][] get(int[] rows) {
        RowValues[] r = worker.read(ref, rows);
        double[][] out = new double[r.length][];
        for (int i = 0; i < r.length; i++) {
            out[i] = array(r[i]);
        }
        return out;
    }

    /**
     * Starts reading row {@code row} without waiting. The future completes (on a network thread) with the row
     * as a new dense array: within the table's bound for this worker's clock at the call, holding every update
     * this worker made before the call. A later {@link #get} of the row waits for this answer rather than
     * asking again. Fails like {@link #get} would, naming the table and the worker waited for.
     */
    public CompletableFuture<double[]> getAsync(int row) {
        return worker.readAsync(ref, row).thenApply(PsTable::array);
    }

    /** Starts reading rows whose cached copies are not fresh enough, without waiting (see {@link #getAsync}). */
    public void prefetch(int... rows) {
        for (int row : rows) {
            worker.readAsync(ref, row);
        }
    }

    /** Row {@code row} as a new row object (dense or sparse, like the table); the caller owns it. */
    public RowValues getRow(int row) {
        return worker.read(ref, new int[] {row})[0];
    }

    /** Rows {@code rows} as new row objects; the caller owns them. */
    public RowValues[] getRows(int[] rows) {
        return worker.read(ref, rows);
    }

    /**
     * Adds {@code delta} to cell ({@code row}, {@code col}). In a table with an optimizer this pushes a gradient:
     * a worker's gradients of one row within one clock add up, and the shard takes one optimizer step with their
     * sum when the clock's updates arrive.
     */
    public void inc(int row, int col, double delta) {
        oplog().inc(ref, row, col, delta);
        worker.afterInc(ref, row);
    }

    /** Adds a dense delta of {@code cols} doubles to row {@code row} (a gradient in an optimizer table, as above). */
    public void inc(int row, double[] delta) {
        oplog().inc(ref, row, delta);
        worker.afterInc(ref, row);
    }

    /** Adds {@code values[i]} to column {@code cols[i]} of row {@code row} (a gradient in an optimizer table). */
    public void inc(int row, int[] cols, double[] values) {
        oplog().inc(ref, row, cols, values);
        worker.afterInc(ref, row);
    }

    /**
     * The staleness bound this worker's reads of the table accept now: under {@code Consistency.sspAuto(max)} the
     * one its controller picked for the current clock, in {@code [0, max]} (it changes only at {@link
     * PsWorker#clock()}); under BSP, SSP and ESSP the table's fixed staleness; 0 under ASYNC and VALUE_BOUND, which
     * bound no clocks.
     */
    public int staleness() {
        return ref.spec().consistency().bounded() ? worker.state().staleness(ref) : 0;
    }

    /** The row's values as an array the caller owns: a read's rows are fresh copies, so a dense one is handed over. */
    private static double[] array(RowValues row) {
        return row instanceof DenseRow d ? d.array() : row.toArray();
    }

    private OpLog oplog() {
        worker.checkOpen(); // an increment after the worker ended would be dropped without a word
        return worker.state().oplog();
    }

    @Override
    public String toString() {
        return "PsTable{" + ref.name() + ", " + ref.spec().consistency()
                + (ref.spec().updateRule().isAdd() ? "" : ", " + ref.spec().updateRule()) + "}";
    }
}
