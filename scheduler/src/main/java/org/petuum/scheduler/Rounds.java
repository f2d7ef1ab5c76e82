package org.petuum.scheduler;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.petuum.ps.PsContext;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ssp.TableSpec;

/**
 * The schedule, push, pull round protocol of a scheduled run ({@link PsContext#runScheduled}), carried by
 * parameter-server tables and clocks only: no Spark job and no barrier per round.
 *
 * <p>Tables (BSP): one assignment table of two rows ({@code assignWidth} doubles each) and one or more result
 * channels of two rows each. Round {@code r} uses row {@code r mod 2} of each, so a row is reused every other round.
 * <ol>
 *   <li><b>schedule</b>: the driver sets the assignment row of round {@code r} (increments the difference from what it
 *       wrote there two rounds ago: it is that row's only writer) and ends its clock {@code r};</li>
 *   <li><b>push</b>: each worker, having completed {@code r + 1} clocks (it clocks once before round 0), reads the
 *       row, which BSP guarantees holds the driver's clock {@code r}; it adds its partial results to a result row and
 *       ends its clock {@code r + 1} (one message per shard);</li>
 *   <li><b>pull</b>: the driver waits until every worker has completed {@code r + 2} clocks
 *       ({@link PsWorker#awaitOthers}) and reads the result rows it needs: the sum over workers, since increments add
 *       up. It increments the negation of what it read, sent with its next clock, so the row is exactly zero again
 *       before the workers next add to it (round {@code r + 2}, after the driver's clock {@code r + 1}).</li>
 * </ol>
 * A round thus costs every worker one read and one clock, and the driver one clock, one wait and one read per
 * channel it pulls.
 *
 * <p>Serializable: workers carry it to their tasks. {@link Driver} and {@link Worker} are used by one thread each.
 */
public final class Rounds implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String assignTable;
    private final int assignWidth;
    private final String[] channelTables;
    private final int[] channelWidths;

    /**
     * @param name           a prefix for the tables, unique among the tables that exist during the run
     * @param assignWidth    doubles per assignment
     * @param channelWidths  doubles per result of each channel (channel {@code c} has {@code channelWidths[c]})
     */
    public Rounds(String name, int assignWidth, int... channelWidths) {
        if (assignWidth < 1) {
            throw new IllegalArgumentException("assignWidth : " + assignWidth + " (expected: >= 1)");
        }
        if (channelWidths.length < 1) {
            throw new IllegalArgumentException("channels : 0 (expected: >= 1)");
        }
        this.assignTable = name + ".assign";
        this.assignWidth = assignWidth;
        this.channelWidths = channelWidths.clone();
        this.channelTables = new String[channelWidths.length];
        for (int c = 0; c < channelWidths.length; c++) {
            if (channelWidths[c] < 1) {
                throw new IllegalArgumentException("channelWidths[" + c + "] : " + channelWidths[c] + " (expected: >= 1)");
            }
            channelTables[c] = name + ".result-" + c;
        }
    }

    /** Creates the protocol's tables (call on the driver before the run). */
    public void create(PsContext ps) {
        ps.createTable(TableSpec.dense(assignTable, 2, assignWidth));
        for (int c = 0; c < channelTables.length; c++) {
            ps.createTable(TableSpec.dense(channelTables[c], 2, channelWidths[c]));
        }
    }

    /** Drops the protocol's tables, ignoring those already gone (call on the driver after the run). */
    public void drop(PsContext ps) {
        List<String> names = new ArrayList<>(List.of(channelTables));
        names.add(assignTable);
        for (String n : names) {
            try {
                ps.dropTable(n);
            } catch (IllegalArgumentException e) {
                // never created, e.g. the run failed while creating the tables
            }
        }
    }

    public int assignWidth() {
        return assignWidth;
    }

    public int channelWidth(int channel) {
        return channelWidths[channel];
    }

    /** The driver's side: one instance per run, used by the driver function's thread. */
    public Driver driver(PsWorker self) {
        return new Driver(self);
    }

    /** A worker's side: one instance per worker, used by its task thread. */
    public Worker worker(PsWorker self) {
        return new Worker(self);
    }

    /** The scheduler's side of the protocol. */
    public final class Driver {
        private final PsWorker self;
        private final PsTable assign;
        private final PsTable[] channels;
        private final double[][] written = new double[2][];
        private long round;

        private Driver(PsWorker self) {
            this.self = self;
            this.assign = self.table(assignTable);
            this.channels = new PsTable[channelTables.length];
            for (int c = 0; c < channels.length; c++) {
                channels[c] = self.table(channelTables[c]);
            }
            written[0] = new double[assignWidth];
            written[1] = new double[assignWidth];
        }

        /** The round the next {@link #publish} starts. */
        public long round() {
            return round;
        }

        /**
         * Publishes the assignment of the next round and waits until every worker has pushed its results of it.
         * {@code assignment} may be shorter than the assignment width; the rest is zero.
         */
        public void publish(double[] assignment) {
            if (assignment.length > assignWidth) {
                throw new IllegalArgumentException("assignment.length : " + assignment.length + " (expected: <= "
                        + assignWidth + ")");
            }
            int row = (int) (round & 1);
            double[] old = written[row];
            double[] delta = new double[assignWidth];
            for (int i = 0; i < assignWidth; i++) {
                double v = i < assignment.length ? assignment[i] : 0;
                delta[i] = v - old[i];
                // What the shard holds after the increment: old + (v - old) may differ from v in the last bit (never
                // for the small integers assignments mostly carry), so the next difference starts from that.
                old[i] = old[i] + delta[i];
            }
            assign.inc(row, delta);
            self.clock();
            self.awaitOthers((int) round + 2);
            round++;
        }

        /** The sum over workers of what they pushed on {@code channel} in the round just published. */
        public double[] pull(int channel) {
            int row = (int) ((round - 1) & 1);
            double[] sum = channels[channel].get(row);
            double[] negation = new double[sum.length];
            for (int i = 0; i < sum.length; i++) {
                negation[i] = -sum[i];
            }
            channels[channel].inc(row, negation); // sent with the next clock, before the workers reuse the row
            return sum;
        }

        /** Publishes a last assignment that tells the workers to stop; nothing is pulled after it. */
        public void finish(double[] stopAssignment) {
            int row = (int) (round & 1);
            double[] old = written[row];
            double[] delta = new double[assignWidth];
            for (int i = 0; i < assignWidth; i++) {
                delta[i] = (i < stopAssignment.length ? stopAssignment[i] : 0) - old[i];
            }
            assign.inc(row, delta);
            self.clock();
        }
    }

    /** A worker's side of the protocol. */
    public final class Worker {
        private final PsWorker self;
        private final PsTable assign;
        private final PsTable[] channels;
        private long round;
        private boolean started;

        private Worker(PsWorker self) {
            this.self = self;
            this.assign = self.table(assignTable);
            this.channels = new PsTable[channelTables.length];
            for (int c = 0; c < channels.length; c++) {
                channels[c] = self.table(channelTables[c]);
            }
        }

        public int id() {
            return self.id();
        }

        /** Waits for and returns the assignment of the next round. */
        public double[] next() {
            if (!started) {
                self.clock(); // round r's assignment is in the driver's clock r; the workers run one clock behind
                started = true;
            }
            return assign.get((int) (round & 1));
        }

        /** Adds this worker's dense partial result to {@code channel} for the current round. */
        public void push(int channel, double[] values) {
            channels[channel].inc((int) (round & 1), values);
        }

        /** Adds {@code values[i]} at {@code cols[i]} of {@code channel} for the current round. */
        public void push(int channel, int[] cols, double[] values) {
            channels[channel].inc((int) (round & 1), cols, values);
        }

        /** Ends the current round: sends the pushed results. */
        public void endRound() {
            self.clock();
            round++;
        }
    }
}
