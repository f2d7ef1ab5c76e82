package org.petuum.ps.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.petuum.ps.PsConf;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Update;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.ProcessCache;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.WorkerState;

/**
 * Sends a worker's updates before the end of its clock, for two consistency models:
 * <ul>
 *   <li>{@code VALUE_BOUND(v)}: after every increment, if the row's changes that this worker has not yet had
 *       acknowledged (pending plus in flight, in magnitude: the largest change of one cell, summed) reach its
 *       share {@code v / workers}, they are sent at once, and the increment returns only when what is in
 *       flight is back below the share. Any read of another worker then misses less than
 *       {@code (workers - 1) / workers × v} of this worker's updates of a row.</li>
 *   <li>managed communication ({@code spark.petuum.bandwidthMbps}): for clock-bounded tables, updates go out
 *       between clocks, largest relative change first ({@code |Δ| / |row|}), within a byte budget per worker;
 *       the rest travels with the clock as usual.</li>
 * </ul>
 * Sent updates are recorded in the worker's state (read-my-writes) and carry the worker's current clock, so
 * shards keep checkpoints clock-consistent.
 *
 * <p>Not thread-safe: owned by the worker's task thread.
 */
public final class EarlyUpdates {
    /** The largest managed message, in bytes: the budget is never exceeded by more than one of these. */
    public static final int MAX_MANAGED_MESSAGE = 64 * 1024;
    private static final long MANAGED_CHECK_NANOS = 1_000_000;

    private final WorkerState state;
    private final long runId;
    private final int numWorkers;
    private final IntFunction<ShardConnection> shards;
    private final ProcessCache cache;
    private final PsConf conf;
    private final LongSupplier nanoTime;
    private final TokenBucket budget;
    private final List<TableRef> managedTables = new ArrayList<>();
    private final Map<Long, ArrayDeque<InFlight>> inFlight = new HashMap<>();
    private final List<java.util.concurrent.CompletableFuture<Message>> managedAcks = new ArrayList<>();
    private long nextManagedCheck;
    private long managedBytes;

    private record InFlight(java.util.concurrent.CompletableFuture<Message> ack, double mass) {
    }

    public EarlyUpdates(WorkerState state, long runId, int numWorkers, List<TableRef> tables,
                        IntFunction<ShardConnection> shards, ProcessCache cache, PsConf conf, LongSupplier nanoTime) {
        this.state = state;
        this.runId = runId;
        this.numWorkers = numWorkers;
        this.shards = shards;
        this.cache = cache;
        this.conf = conf;
        this.nanoTime = nanoTime;
        if (conf.bandwidthMbps() > 0) {
            for (TableRef t : tables) {
                if (t.spec().consistency().bounded()) {
                    managedTables.add(t);
                }
            }
        }
        this.budget = managedTables.isEmpty() ? null
                : new TokenBucket(conf.bandwidthMbps() * 1e6 / 8, MAX_MANAGED_MESSAGE, nanoTime);
    }

    /** Bytes sent between clocks by managed communication so far. */
    public long managedBytes() {
        return managedBytes;
    }

    /** Called after every increment of {@code row} of {@code table}. */
    public void afterInc(TableRef table, int row) {
        if (table.spec().consistency().model() == Consistency.Model.VALUE_BOUND) {
            keepValueBound(table, row);
        }
        maybeSendManaged();
    }

    /** Called before every read: gives managed communication a chance to use its budget. */
    public void beforeRead() {
        maybeSendManaged();
    }

    /**
     * Called at the start of {@code clock()}: sends what remains of value-bounded rows on its own (tracked as in
     * flight, so the bound holds across clocks), leaving the rest for the clock's flush.
     */
    public void beforeClock(List<TableRef> tables) {
        for (TableRef t : tables) {
            if (t.spec().consistency().model() == Consistency.Model.VALUE_BOUND) {
                for (int row : state.oplog().rows(t.id())) {
                    RowValues pending = state.oplog().pending(t.id(), row);
                    sendValueBound(t, row, pending.maxAbs());
                }
            }
        }
        for (var it = managedAcks.iterator(); it.hasNext(); ) {
            var f = it.next();
            if (f.isDone()) {
                PsClient.await(f, 0, () -> "a shard acknowledging early updates of worker " + state.worker());
                it.remove();
            }
        }
    }

    /** Waits until every early update is acknowledged (at the end of the worker). */
    public void awaitAll() {
        for (ArrayDeque<InFlight> q : inFlight.values()) {
            for (InFlight f : q) {
                PsClient.await(f.ack(), conf.requestTimeoutMs(), () -> "a shard acknowledging value-bounded updates");
            }
            q.clear();
        }
        for (var f : managedAcks) {
            PsClient.await(f, conf.requestTimeoutMs(), () -> "a shard acknowledging managed updates");
        }
        managedAcks.clear();
    }

    private void keepValueBound(TableRef table, int row) {
        double share = table.spec().consistency().valueBound() / numWorkers;
        ArrayDeque<InFlight> q = prune(key(table.id(), row));
        RowValues pending = state.oplog().pending(table.id(), row);
        double pendingMass = pending == null ? 0 : pending.maxAbs();
        if (pendingMass + mass(q) < share) {
            return;
        }
        sendValueBound(table, row, pendingMass);
        while (!q.isEmpty() && mass(q) >= share) {
            InFlight oldest = q.peekFirst();
            PsClient.await(oldest.ack(), conf.requestTimeoutMs(),
                    () -> "a shard acknowledging a value-bounded update of table '" + table.name() + "' row " + row);
            q.removeFirst();
        }
    }

    private void sendValueBound(TableRef table, int row, double mass) {
        RowValues delta = state.oplog().remove(table.id(), row);
        if (delta == null) {
            return;
        }
        RowUpdate u = new RowUpdate(table.id(), row, delta);
        ShardConnection.Pending p = send(state.partitioner().shardOf(row), List.of(u));
        prune(key(table.id(), row)).addLast(new InFlight(p.answer(), mass));
    }

    private void maybeSendManaged() {
        if (budget == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - nextManagedCheck < 0) {
            return;
        }
        nextManagedCheck = now + MANAGED_CHECK_NANOS;
        double available = budget.available();
        if (available < 256) {
            return;
        }
        // Largest relative change first: how much a row would move, against how large it is.
        List<double[]> candidates = new ArrayList<>();
        for (TableRef t : managedTables) {
            for (int row : state.oplog().rows(t.id())) {
                RowValues pending = state.oplog().pending(t.id(), row);
                CachedRow cached = cache.get(t.id(), row);
                double scale = cached == null ? 0 : cached.values().maxAbs();
                double priority = pending.maxAbs() / (scale + 1e-12);
                candidates.add(new double[] {priority, t.id(), row});
            }
        }
        candidates.sort((a, b) -> Double.compare(b[0], a[0]));
        Map<Integer, List<RowUpdate>> byShard = new HashMap<>();
        Map<Integer, Integer> bytesByShard = new HashMap<>();
        double spent = 0;
        for (double[] c : candidates) {
            int tableId = (int) c[1];
            int row = (int) c[2];
            RowValues pending = state.oplog().pending(tableId, row);
            // Exact frame bytes (an upper bound for sparse rows): row id, table id, kind, width, cells.
            int bytes = 8 + 5 + (pending.isDense() ? 8 * pending.cols() : 4 + 12 * pending.storedCells());
            int shard = state.partitioner().shardOf(row);
            int header = FrameLayout.HEADER_BYTES + 28; // + UPDATE's request id, run id, worker, clock, count
            int already = bytesByShard.getOrDefault(shard, 0);
            if (already == 0) {
                bytes += header;
            }
            if (spent + bytes > available || already + bytes > MAX_MANAGED_MESSAGE) {
                continue;
            }
            spent += bytes;
            bytesByShard.put(shard, already + bytes);
            byShard.computeIfAbsent(shard, k -> new ArrayList<>())
                    .add(new RowUpdate(tableId, row, state.oplog().remove(tableId, row)));
        }
        for (Map.Entry<Integer, List<RowUpdate>> e : byShard.entrySet()) {
            ShardConnection.Pending p = send(e.getKey(), e.getValue());
            long encoded = FrameLayout.frameBytes(new Update(0, runId, state.worker(), state.clock(), e.getValue()));
            budget.take(encoded);
            managedBytes += encoded;
            managedAcks.add(p.answer());
        }
    }

    private ShardConnection.Pending send(int shard, List<RowUpdate> updates) {
        int clock = state.clock();
        ShardConnection.Pending p = shards.apply(shard).send(
                seq -> new Update(seq, runId, state.worker(), clock, updates));
        state.flushed(shard, p.seq(), updates);
        return p;
    }

    private ArrayDeque<InFlight> prune(long key) {
        ArrayDeque<InFlight> q = inFlight.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!q.isEmpty() && q.peekFirst().ack().isDone()) {
            InFlight done = q.removeFirst();
            PsClient.await(done.ack(), 0, () -> "a shard acknowledging a value-bounded update");
        }
        return q;
    }

    private static double mass(ArrayDeque<InFlight> q) {
        double m = 0;
        for (InFlight f : q) {
            m += f.mass();
        }
        return m;
    }

    private static long key(int tableId, int row) {
        return ((long) tableId << 32) | (row & 0xffffffffL);
    }
}
