package org.petuum.ssp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic discrete-event simulation of one SSP run: workers spread over processes (one
 * {@link ProcessCache} each), shards ({@link ShardState}), and a FIFO queue per (process, shard) connection in
 * each direction. A seeded random scheduler decides which worker steps and which connection delivers next,
 * so workers run at different speeds and answers from different shards overtake each other.
 *
 * <p>Every worker, in every clock, reads a few random rows (through the process cache when the freshness rule
 * allows it, otherwise from the shard, blocking until the answer arrives), adds 1 to column {@code w} (its own
 * id) of every row, possibly reads again, and clocks: one flush to every shard. Cell {@code (r, w)} therefore
 * counts the clocks of worker {@code w} that reached the row. Some workers stop early (some without a single
 * clock), and every worker ends like a returning worker function: reads, possibly one more increment after
 * its last clock, and a last flush. Shards push what the model asks for (under ASYNC, after every flush that
 * ends a clock, the rows the flushing process has read) down the same FIFO connections as the answers. Every
 * value a read returns is checked against the consistency model; the first violation ends the run.
 *
 * <p>Under {@code SSP_AUTO} each worker's {@link WorkerState} picks its bound at every clock from what it measured,
 * in simulated time: the events it spent blocked on reads are its waiting, the others its computing. A read must
 * then hold what the bound in force for that worker at that moment requires, and that bound must lie in
 * {@code [0, max]} and stay the same for the whole clock.
 */
final class SspSimulation {

    /** Decides whether a cached row may be used; the real rule is {@link WorkerState#isFresh}. */
    @FunctionalInterface
    interface FreshnessRule {
        boolean isFresh(WorkerState worker, TableRef table, int row, CachedRow cached);
    }

    static final FreshnessRule REAL_RULE = WorkerState::isFresh;

    /** What happened in one run; {@code violation} is {@code null} when every check held. */
    record Result(String violation, String setup, int reads, int cacheHits, int parkedReads, int duplicatesDropped,
                  int trailingIncrements, int pushes, Adaptive adaptive) {
        /** The reads that asked a shard. */
        int fetches() {
            return reads - cacheHits;
        }
    }

    /**
     * What the adaptive bounds did in a run (all 0 for other models): reads made under a bound below the max,
     * and how often a worker's bound rose or fell at a clock.
     */
    record Adaptive(int readsBelowMax, int raises, int drops) {
    }

    private static final long RUN = 1;
    private static final double DUPLICATE_PROBABILITY = 0.1;

    private record Request(int process, int worker, int row, long seq, int clock, long minVersion) {
    }

    private sealed interface ToShard permits FlushMsg, ReadMsg {
    }

    private record FlushMsg(long seq, int worker, int clock, List<RowUpdate> updates, boolean last,
                            boolean duplicate) implements ToShard {
    }

    private record ReadMsg(Request request) implements ToShard {
    }

    /** An answer to {@code request}, or with no request a push of rows the shard sent unasked. */
    private record Answer(Request request, RowsSnapshot rows, long watermark) {
    }

    private static final class Worker {
        final WorkerState state;
        final int process;
        final double speed;
        int readsBefore;
        boolean incremented;
        int readsAfter;
        Request blockedOn;
        boolean done;
        /** The clocks it completes before its tail: trailing reads and increments, and the last flush. */
        int lastClock;
        boolean trailing;
        /** Increments of every row it has made, and how many of them it has sent. */
        int incs;
        int sentIncs;
        /** When its pending read was sent, and its total time blocked on reads (simulated time). */
        long blockedSince;
        long waited;
        /** The staleness bound in force for its reads of the current clock, as its state reported it. */
        int bound;

        Worker(WorkerState state, int process, double speed) {
            this.state = state;
            this.process = process;
            this.speed = speed;
        }
    }

    /** Thrown inside a run at the first broken invariant. */
    private static final class Violation extends RuntimeException {
        Violation(String message) {
            super(message, null, false, false);
        }
    }

    private final Consistency consistency;
    private final FreshnessRule rule;
    private final SplittableRandom random;
    private final int workers;
    private final int processes;
    private final int shards;
    private final int rows;
    private final int clocks;
    private final double deliveryWeight;
    private final TableRef table;
    private final RowPartitioner partitioner;
    private final List<ShardState<Request>> shardStates = new ArrayList<>();
    private final ProcessCache[] caches;
    private final Worker[] ws;
    private final long[][] nextSeq;
    /** Per (process, shard): the last request of that process the shard has handled. */
    private final long[][] handled;
    private final List<List<ArrayDeque<ToShard>>> up = new ArrayList<>();
    private final List<List<ArrayDeque<Answer>>> down = new ArrayList<>();
    private final String setup;
    /**
     * Per (worker, clock, row): the row's cells on its shard when that shard applied the worker's flush of that
     * clock, which an ASYNC read two clocks later must not be older than.
     */
    private final Map<String, RowValues> heldAtFlush = new HashMap<>();
    private int pushes;
    private long now;
    private int reads;
    private int cacheHits;
    private int parkedReads;
    private int duplicatesDropped;
    private int trailingIncrements;
    private int readsBelowMax;
    private int raises;
    private int drops;

    private SspSimulation(Consistency consistency, long seed, FreshnessRule rule) {
        this.consistency = consistency;
        this.rule = rule;
        this.random = new SplittableRandom(seed);
        this.workers = 2 + random.nextInt(5);
        this.processes = 1 + random.nextInt(Math.min(workers, 3));
        this.shards = 1 + random.nextInt(3);
        this.rows = shards + random.nextInt(8);
        // Adaptive bounds need clocks to adapt over (one draw either way: the other models' runs stay as they were).
        this.clocks = consistency.adaptive() ? 12 + random.nextInt(13) : 3 + random.nextInt(7);
        this.deliveryWeight = 0.5 + 3 * random.nextDouble();
        TableSpec spec = random.nextBoolean()
                ? TableSpec.dense("sim", rows, workers) : TableSpec.sparse("sim", rows, workers);
        this.table = new TableRef(random.nextInt(4), spec.consistency(consistency));
        this.partitioner = new RowPartitioner(shards);
        for (int s = 0; s < shards; s++) {
            ShardState<Request> shard = new ShardState<>(s, partitioner);
            shard.createTable(table);
            shard.beginRun(RUN, workers);
            shardStates.add(shard);
        }
        this.caches = new ProcessCache[processes];
        for (int p = 0; p < processes; p++) {
            caches[p] = new ProcessCache();
            List<ArrayDeque<ToShard>> toShards = new ArrayList<>();
            for (int s = 0; s < shards; s++) {
                toShards.add(new ArrayDeque<>());
            }
            up.add(toShards);
        }
        for (int s = 0; s < shards; s++) {
            List<ArrayDeque<Answer>> toProcesses = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                toProcesses.add(new ArrayDeque<>());
            }
            down.add(toProcesses);
        }
        this.nextSeq = new long[processes][shards];
        this.handled = new long[processes][shards];
        for (long[] h : handled) {
            java.util.Arrays.fill(h, -1);
        }
        this.ws = new Worker[workers];
        StringBuilder speeds = new StringBuilder();
        for (int w = 0; w < workers; w++) {
            // Speeds spread over a factor of about 20, so some workers run far ahead of others.
            double speed = Math.exp(3 * random.nextDouble());
            ws[w] = new Worker(new WorkerState(w, partitioner), w < processes ? w : random.nextInt(processes), speed);
            ws[w].bound = ws[w].state.staleness(table);
            ws[w].readsBefore = random.nextInt(4);
            ws[w].readsAfter = random.nextInt(2);
            speeds.append(w == 0 ? "" : ", ").append(String.format("w%d@p%d x%.1f", w, ws[w].process, speed));
        }
        StringBuilder tails = new StringBuilder();
        for (int w = 0; w < workers; w++) {
            // Worker 0 runs every clock; the others may stop early, or never clock at all.
            ws[w].lastClock = w > 0 && random.nextInt(4) == 0 ? random.nextInt(clocks) : clocks;
            ws[w].trailing = random.nextBoolean();
            tails.append(w == 0 ? "" : ", ").append(ws[w].lastClock).append(ws[w].trailing ? "+1" : "");
        }
        this.setup = "seed=" + seed + " " + consistency + " " + spec.storage() + " workers=" + workers
                + " processes=" + processes + " shards=" + shards + " rows=" + rows + " clocks=" + clocks
                + " [" + speeds + "] clocks then trailing increments per worker [" + tails + "]";
    }

    /** Runs one seeded simulation to the end, or to the first broken invariant. */
    static Result run(Consistency consistency, long seed, FreshnessRule rule) {
        SspSimulation sim = new SspSimulation(consistency, seed, rule);
        String violation = null;
        try {
            sim.loop();
            sim.checkFinalState();
        } catch (Violation v) {
            violation = v.getMessage() + " (" + sim.setup + ")";
        }
        return new Result(violation, sim.setup, sim.reads, sim.cacheHits, sim.parkedReads, sim.duplicatesDropped,
                sim.trailingIncrements, sim.pushes, new Adaptive(sim.readsBelowMax, sim.raises, sim.drops));
    }

    private void loop() {
        List<Runnable> events = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        while (true) {
            events.clear();
            weights.clear();
            double total = 0;
            for (Worker w : ws) {
                if (!w.done && w.blockedOn == null) {
                    events.add(() -> step(w));
                    weights.add(w.speed);
                    total += w.speed;
                }
            }
            for (int p = 0; p < processes; p++) {
                for (int s = 0; s < shards; s++) {
                    int process = p;
                    int shard = s;
                    if (!up.get(p).get(s).isEmpty()) {
                        events.add(() -> deliverToShard(process, shard));
                        weights.add(deliveryWeight);
                        total += deliveryWeight;
                    }
                    if (!down.get(s).get(p).isEmpty()) {
                        events.add(() -> deliverToProcess(shard, process));
                        weights.add(deliveryWeight);
                        total += deliveryWeight;
                    }
                }
            }
            if (events.isEmpty()) {
                return;
            }
            double pick = random.nextDouble() * total;
            int i = 0;
            while (i < events.size() - 1 && (pick -= weights.get(i)) >= 0) {
                i++;
            }
            now++;
            events.get(i).run();
        }
    }

    private void step(Worker w) {
        WorkerState state = w.state;
        if (w.readsBefore > 0 || (w.incremented && w.readsAfter > 0)) {
            int row = random.nextInt(rows);
            CachedRow cached = caches[w.process].get(table.id(), row);
            if (rule.isFresh(state, table, row, cached)) {
                cacheHits++;
                completeRead(w, row, cached, "cache");
            } else {
                int shard = partitioner.shardOf(row);
                Request r = new Request(w.process, state.worker(), row, nextSeq[w.process][shard]++, state.clock(),
                        state.minVersion(table));
                up.get(w.process).get(shard).add(new ReadMsg(r));
                w.blockedOn = r;
                w.blockedSince = now;
            }
        } else if (!w.incremented) {
            boolean tail = state.clock() == w.lastClock;
            if (!tail || w.trailing) {
                for (int row = 0; row < rows; row++) {
                    state.oplog().inc(table, row, state.worker(), 1);
                }
                w.incs++;
                trailingIncrements += tail ? 1 : 0;
            }
            w.incremented = true;
        } else {
            // At its last clock the worker's function returns: what it has not sent goes in its last flush.
            boolean last = state.clock() == w.lastClock;
            List<List<RowUpdate>> byShard = state.drainByShard();
            for (int s = 0; s < shards; s++) {
                long seq = nextSeq[w.process][s]++;
                up.get(w.process).get(s).add(new FlushMsg(seq, state.worker(), state.clock(), byShard.get(s), last,
                        false));
                state.flushed(s, seq, byShard.get(s));
            }
            w.sentIncs = w.incs;
            w.incremented = false;
            if (last) {
                w.done = true;
            } else {
                state.advanceClock(w.waited, now);
                int next = state.staleness(table);
                raises += next > w.bound ? 1 : 0;
                drops += next < w.bound ? 1 : 0;
                w.bound = next;
                w.readsBefore = random.nextInt(4);
                w.readsAfter = random.nextInt(2);
            }
        }
    }

    private void deliverToShard(int process, int s) {
        ShardState<Request> shard = shardStates.get(s);
        ToShard msg = up.get(process).get(s).poll();
        if (msg instanceof FlushMsg f) {
            // Like the server: the request counts as handled before it changes anything.
            handled[process][s] = Math.max(handled[process][s], f.seq());
            FlushResult<Request> result;
            try {
                result = shard.flush(RUN, f.worker(), f.clock(), f.updates(), f.last(), process);
            } catch (IllegalArgumentException e) {
                throw new Violation("shard " + s + " rejected the flush of worker " + f.worker() + " clock "
                        + f.clock() + ": " + e.getMessage());
            }
            if (f.duplicate()) {
                if (result.applied()) {
                    throw new Violation("shard " + s + " applied a repeated flush of worker " + f.worker() + " clock "
                            + f.clock());
                }
                duplicatesDropped++;
            } else {
                if (!result.applied()) {
                    throw new Violation("shard " + s + " dropped the first flush of worker " + f.worker() + " clock "
                            + f.clock());
                }
                if (random.nextDouble() < DUPLICATE_PROBABILITY) {
                    // A resend, as after a reconnect: same worker, clock and updates.
                    up.get(process).get(s).add(new FlushMsg(f.seq(), f.worker(), f.clock(), f.updates(), f.last(),
                            true));
                }
            }
            if (result.applied() && !f.last()) {
                RowsSnapshot held = shard.readRange(table.id(), 0, rows);
                for (int r = 0; r < rows; r++) {
                    if (partitioner.owns(s, r)) {
                        heldAtFlush.put(f.worker() + "/" + f.clock() + "/" + r, table.spec().zeroRow());
                    }
                }
                for (int i = 0; i < held.size(); i++) {
                    heldAtFlush.put(f.worker() + "/" + f.clock() + "/" + held.rows()[i], held.values()[i].copy());
                }
            }
            for (ServedRead<Request> served : result.released()) {
                answer(s, served);
            }
            for (ShardPush push : result.pushes()) {
                int to = (Integer) push.subscriber();
                down.get(s).get(to).add(new Answer(null, push.rows(), handled[to][s]));
                pushes++;
            }
        } else {
            Request r = ((ReadMsg) msg).request();
            handled[process][s] = Math.max(handled[process][s], r.seq());
            ServedRead<Request> served = shard.read(new ShardRead<>(r, table.id(), new int[] {r.row()},
                    r.minVersion(), r.worker(), r.clock(), now, now + 1_000_000_000_000L, process));
            if (served != null) {
                answer(s, served);
            } else {
                parkedReads++;
                if (!consistency.bounded()) {
                    throw new Violation("an ASYNC read of row " + r.row() + " by worker " + r.worker()
                            + " waited on shard " + s + " (min clock " + shard.minClock() + ")");
                }
            }
        }
    }

    private void answer(int shard, ServedRead<Request> served) {
        // The answer holds every request of that process up to the last one this shard has handled.
        down.get(shard).get(served.token().process()).add(new Answer(served.token(), served.rows(),
                handled[served.token().process()][shard]));
    }

    private void deliverToProcess(int shard, int process) {
        Answer a = down.get(shard).get(process).poll();
        Request r = a.request();
        RowsSnapshot rows = a.rows();
        if (r == null) {
            for (int i = 0; i < rows.size(); i++) {
                caches[process].install(rows.tableId(), rows.rows()[i],
                        new CachedRow(rows.version(), a.watermark(), rows.values()[i]));
            }
            return;
        }
        if (rows.size() != 1 || rows.rows()[0] != r.row() || rows.tableId() != table.id()) {
            throw new Violation("shard " + shard + " answered the read of row " + r.row() + " with rows "
                    + java.util.Arrays.toString(rows.rows()));
        }
        if (rows.version() < r.minVersion()) {
            throw new Violation("shard " + shard + " answered a read for version " + r.minVersion()
                    + " with version " + rows.version());
        }
        caches[process].install(table.id(), r.row(), new CachedRow(rows.version(), a.watermark(), rows.values()[0]));
        Worker w = ws[r.worker()];
        if (w.blockedOn != r) {
            throw new Violation("worker " + r.worker() + " got an answer it did not wait for: " + r);
        }
        w.blockedOn = null;
        w.waited += now - w.blockedSince;
        completeRead(w, r.row(), new CachedRow(rows.version(), a.watermark(), rows.values()[0]), "shard " + shard);
    }

    /** Checks what the worker sees of {@code row} and counts the read as done. */
    private void completeRead(Worker w, int row, CachedRow got, String from) {
        long version = got.version();
        reads++;
        if (w.readsBefore > 0) {
            w.readsBefore--;
        } else {
            w.readsAfter--;
        }
        WorkerState state = w.state;
        int me = state.worker();
        int c = state.clock();
        if (consistency.adaptive()) {
            if (w.bound < 0 || w.bound > consistency.staleness() || state.staleness(table) != w.bound) {
                throw new Violation("worker " + me + " at clock " + c + " reads under bound " + state.staleness(table)
                        + ", in force since the clock began: " + w.bound + " (max " + consistency.staleness() + ")");
            }
            readsBelowMax += w.bound < consistency.staleness() ? 1 : 0;
        }
        RowValues seen = state.view(table, row, got);
        String where = "worker " + me + " at clock " + c + " read row " + row + " (version " + version + ", from "
                + from + ") = " + java.util.Arrays.toString(seen.toArray()) + ": ";
        for (int other = 0; other < workers; other++) {
            double cell = seen.get(other);
            if (cell != Math.rint(cell) || cell < 0) {
                throw new Violation(where + "cell " + other + " is not a count of clocks");
            }
            if (other == me) {
                int expected = w.incs;
                if (cell != expected) {
                    throw new Violation(where + "its own cell is " + cell + " but it has made " + expected
                            + " increments (read-my-writes)");
                }
                continue;
            }
            Worker o = ws[other];
            int sent = o.sentIncs;
            if (cell > sent) {
                throw new Violation(where + "worker " + other + " has sent only " + sent + " increments but the cell is "
                        + cell);
            }
            // A row must hold every clock below its version (or below the bound) of every worker; of a worker that
            // stops before that clock, every update it makes, the ones after its last clock too.
            int total = o.lastClock + (o.trailing ? 1 : 0);
            if (cell < (version > o.lastClock ? total : version)) {
                throw new Violation(where + "a row of version " + version + " misses updates of worker " + other);
            }
            int staleness = consistency.adaptive() ? w.bound : consistency.staleness();
            int bound = c - staleness;
            if (consistency.bounded() && cell < (bound > o.lastClock ? total : bound)) {
                throw new Violation(where + "worker " + other + "'s cell is " + cell + " but "
                        + (consistency.adaptive() ? "the bound in force, " : "") + "staleness " + staleness
                        + " requires at least " + Math.min(bound, total));
            }
            if (!consistency.bounded() && c >= 2) {
                RowValues held = heldAtFlush.get(me + "/" + (c - 2) + "/" + row);
                if (held == null) {
                    throw new Violation(where + "its flush of clock " + (c - 2) + " never reached the row's shard");
                }
                if (cell < held.get(other)) {
                    throw new Violation(where + "worker " + other + "'s cell is " + cell + " but the shard held "
                            + held.get(other) + " at this worker's flush of clock " + (c - 2)
                            + ": more than one clock behind");
                }
            }
        }
    }

    private void checkFinalState() {
        for (Worker w : ws) {
            if (!w.done) {
                throw new Violation("worker " + w.state.worker() + " stopped at clock " + w.state.clock()
                        + (w.blockedOn != null ? " waiting for " + w.blockedOn : "") + " (deadlock)");
            }
        }
        int slowest = clocks;
        boolean anyUpdate = false;
        for (Worker w : ws) {
            slowest = Math.min(slowest, w.lastClock);
            anyUpdate |= w.incs > 0;
        }
        for (ShardState<Request> shard : shardStates) {
            if (shard.waitingReads() != 0 || shard.minClock() != slowest || shard.visibleClock() != clocks) {
                throw new Violation("shard " + shard.shardIndex() + " ended with " + shard.waitingReads()
                        + " waiting reads at min clock " + shard.minClock() + " and visible clock "
                        + shard.visibleClock());
            }
            for (Worker w : ws) {
                if (!shard.isFinished(w.state.worker())) {
                    throw new Violation("shard " + shard.shardIndex() + " did not see the last flush of worker "
                            + w.state.worker());
                }
            }
            RowsSnapshot all = shard.readRange(table.id(), 0, rows);
            int owned = 0;
            for (int r = 0; r < rows; r++) {
                owned += partitioner.owns(shard.shardIndex(), r) ? 1 : 0;
            }
            owned = anyUpdate ? owned : 0;
            if (all.size() != owned) {
                throw new Violation("shard " + shard.shardIndex() + " holds " + all.size() + " rows, expected "
                        + owned);
            }
            for (int i = 0; i < all.size(); i++) {
                for (int w = 0; w < workers; w++) {
                    if (all.values()[i].get(w) != ws[w].incs) {
                        throw new Violation("shard " + shard.shardIndex() + " row " + all.rows()[i] + ": worker " + w
                                + " made " + ws[w].incs + " increments but the cell is " + all.values()[i].get(w)
                                + " (an update was lost or applied twice)");
                    }
                }
            }
        }
    }
}
