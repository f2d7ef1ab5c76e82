package org.petuum.ps.internal;

import java.util.ArrayList;
import java.util.List;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsTooLargeException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * Whole-table transfers between the driver and the shards ({@code PsContext.read} and {@code write}): rows in
 * chunks that fit the frame limit, all shards asked at once. Called by {@link DriverRuntime} under its lock.
 */
final class TableTransfer {
    private TableTransfer() {
    }

    /**
     * Every row of a table as the shards hold it now: element {@code r} is row {@code r}, or {@code null}
     * for a row no update has touched (all zero). Rows travel in chunks that fit the frame limit.
     */
    static RowValues[] readAll(PsClient admin, List<ShardAddress> layout, PsConf conf, TableRef t) {
        RowValues[] out = new RowValues[t.spec().rows()];
        long bytesPerRow = t.spec().storage() == TableSpec.Storage.DENSE ? 8L * t.spec().cols() + 16 : 4096;
        int chunk = (int) Math.max(1, Math.min(t.spec().rows(), (conf.maxFrameBytes() / 2) / bytesPerRow));
        for (int from = 0; from < t.spec().rows(); from += chunk) {
            int to = (int) Math.min(t.spec().rows(), (long) from + chunk);
            List<ShardConnection.Pending> parts = new ArrayList<>();
            for (ShardAddress s : layout) {
                int f = from;
                parts.add(admin.connection(s).send(seq -> new ReadRange(seq, t.id(), f, to)));
            }
            for (int i = 0; i < parts.size(); i++) {
                install(admin, conf, layout.get(i), t, from, to, parts.get(i), out);
            }
        }
        return out;
    }

    /**
     * Puts the rows of one shard's answer to a range read into {@code out}; a range the shard refused as too large
     * for one answer (sparse rows fuller than estimated) is read again in two halves.
     */
    private static void install(PsClient admin, PsConf conf, ShardAddress s, TableRef t, int from, int to,
                                ShardConnection.Pending part, RowValues[] out) {
        RowsSnapshot snap;
        try {
            snap = ((Rows) PsClient.await(part.answer(), conf.requestTimeoutMs(),
                    () -> s + " reading table '" + t.name() + "'")).snapshot();
        } catch (PsTooLargeException e) {
            if (to - from <= 1) {
                throw e;
            }
            int mid = from + (to - from) / 2;
            install(admin, conf, s, t, from, mid, admin.connection(s).send(seq -> new ReadRange(seq, t.id(), from, mid)),
                    out);
            install(admin, conf, s, t, mid, to, admin.connection(s).send(seq -> new ReadRange(seq, t.id(), mid, to)),
                    out);
            return;
        }
        for (int k = 0; k < snap.size(); k++) {
            out[snap.rows()[k]] = snap.values()[k];
        }
    }

    /**
     * Sets rows of a table, replacing what they held; meant for between runs (initial values, a saved model).
     * Rows travel to their shards in chunks that fit the frame limit.
     */
    static void write(PsClient admin, List<ShardAddress> layout, PsConf conf, TableRef t, int[] rows,
                      RowValues[] values) {
        if (rows.length != values.length) {
            throw new IllegalArgumentException("rows and values differ in length: " + rows.length + " vs " + values.length);
        }
        RowPartitioner partitioner = new RowPartitioner(layout.size());
        List<List<Integer>> byShard = new ArrayList<>();
        for (int s = 0; s < layout.size(); s++) {
            byShard.add(new ArrayList<>());
        }
        for (int i = 0; i < rows.length; i++) {
            t.spec().checkRow(rows[i]);
            byShard.get(partitioner.shardOf(rows[i])).add(i);
        }
        long budget = conf.maxFrameBytes() / 2;
        List<ShardConnection.Pending> acks = new ArrayList<>();
        List<ShardAddress> ackedBy = new ArrayList<>();
        for (int s = 0; s < layout.size(); s++) {
            List<Integer> mine = byShard.get(s);
            int from = 0;
            while (from < mine.size()) {
                long bytes = 0;
                int to = from;
                while (to < mine.size() && (to == from || bytes + 8L * values[mine.get(to)].storedCells() + 32 <= budget)) {
                    bytes += 8L * values[mine.get(to)].storedCells() + 32;
                    to++;
                }
                int[] ids = new int[to - from];
                RowValues[] vals = new RowValues[to - from];
                for (int k = from; k < to; k++) {
                    ids[k - from] = rows[mine.get(k)];
                    vals[k - from] = values[mine.get(k)];
                }
                acks.add(admin.connection(layout.get(s)).send(seq -> new PutRows(seq, t.id(), ids, vals)));
                ackedBy.add(layout.get(s));
                from = to;
            }
        }
        for (int i = 0; i < acks.size(); i++) {
            ShardAddress s = ackedBy.get(i);
            PsClient.await(acks.get(i).answer(), conf.requestTimeoutMs(), () -> s + " (writing table '" + t.name() + "')");
        }
    }
}
