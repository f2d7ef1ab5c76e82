package org.petuum.bench.dataplane;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * Round trips of one small dense row, one at a time, with nothing cached:
 * <ul>
 *   <li><em>protocol</em>: a {@code GET_ROWS} of one row through the client, waited for;</li>
 *   <li><em>worker</em>: {@link PsTable#get(int)} right after {@link PsWorker#clock()} on a BSP table, which must
 *       fetch (the cached row is a clock too old); only the {@code get} is timed, but it travels behind the
 *       clock's {@code FLUSH} on the same connection, which the shard handles first;</li>
 *   <li><em>raw TCP</em>: a plain socket ping-pong with the same request and answer sizes as the protocol's.</li>
 * </ul>
 * Each records nanoseconds per round trip into its own histogram.
 *
 * <p>Used by one thread, the benchmark's.
 */
final class GetLatency {
    private static final int ROWS = 64;

    private final LoopbackShard shard;
    private final PsClient client;
    private final TableRef table;
    private final int requestBytes;
    private final int responseBytes;

    GetLatency(LoopbackShard shard, int tableId, int cols) {
        this.shard = shard;
        this.table = new TableRef(tableId, TableSpec.dense("small-" + tableId, ROWS, cols).staleness(0));
        this.client = shard.newClient("latency worker");
        shard.createTable(table);
        int[] ids = new int[ROWS];
        RowValues[] values = new RowValues[ROWS];
        for (int r = 0; r < ROWS; r++) {
            ids[r] = r;
            values[r] = DenseRow.wrap(new double[cols]);
            values[r].add(0, r);
        }
        shard.putRows(tableId, ids, values);
        this.requestBytes = (int) DenseThroughput.frameBytes(new GetRows(0, tableId, 0, 0, 0, 1, new int[] {0}));
        this.responseBytes = (int) DenseThroughput.frameBytes(
                new Rows(0, new RowsSnapshot(tableId, 0, new int[] {0}, new RowValues[] {values[0]})));
    }

    String describe() {
        return String.format(java.util.Locale.ROOT, "one dense row of %d doubles a request; frames of %d bytes "
                + "(request) and %d bytes (answer)", table.spec().cols(), requestBytes, responseBytes);
    }

    /** {@code samples} protocol round trips; the first {@code warmup} are not recorded. */
    void protocol(int warmup, int samples, Histogram nanos) {
        shard.beginRun(1, List.of(table));
        ShardConnection c = client.connection(shard.address());
        long timeout = shard.conf().readTimeoutMs();
        for (int i = 0; i < warmup + samples; i++) {
            int row = i % ROWS;
            long t0 = System.nanoTime();
            Message m = PsClient.await(c.send(seq -> new GetRows(seq, table.id(), 0, 0, 0, timeout,
                    new int[] {row})).answer(), LoopbackShard.WAIT_MS, shard.address()::toString);
            long t1 = System.nanoTime();
            if (!(m instanceof Rows rows) || rows.snapshot().size() != 1) {
                throw new IllegalStateException(shard.address() + " answered " + m + " (expected: ROWS of 1 row)");
            }
            if (i >= warmup) {
                nanos.recordValue(t1 - t0);
            }
        }
    }

    /** {@code samples} worker reads, each after a clock; the first {@code warmup} are not recorded. */
    void worker(int warmup, int samples, Histogram nanos) {
        RunPlan plan = shard.beginRun(1, List.of(table));
        try (PsWorker worker = new PsWorker(client, plan, 0)) {
            PsTable t = worker.table(table.name());
            for (int i = 0; i < warmup + samples; i++) {
                int row = i % ROWS;
                worker.clock();
                long t0 = System.nanoTime();
                double[] values = t.get(row);
                long t1 = System.nanoTime();
                if (values[0] != row) {
                    throw new IllegalStateException("row " + row + " read as " + values[0] + " in column 0");
                }
                if (i >= warmup) {
                    nanos.recordValue(t1 - t0);
                }
            }
        }
    }

    /** {@code samples} raw socket round trips of the protocol's sizes, after {@code warmup} unrecorded ones. */
    void rawTcp(int warmup, int samples, Histogram nanos) {
        RawTcp.pingPong(requestBytes, responseBytes, warmup, new Histogram(3));
        RawTcp.pingPong(requestBytes, responseBytes, samples, nanos);
    }
}
