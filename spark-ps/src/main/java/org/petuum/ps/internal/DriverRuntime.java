package org.petuum.ps.internal;

import com.codahale.metrics.MetricRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.ClockListener;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.metrics.DriverMetrics;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.DropTable;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Restore;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * The coordinator on the driver: which executors run shard servers, the shard layout, the table catalogue,
 * and the administrative requests (create, drop, read, begin a run). The driver side's composition root.
 *
 * <p>Thread-safe: registrations arrive on Spark's RPC threads and executor events on its listener thread;
 * catalogue operations are serialised on this object's monitor.
 */
public final class DriverRuntime implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(DriverRuntime.class);

    private final PsConf conf;
    private volatile String appId = "(application id not assigned yet)";
    private final ShardRegistry registry = new ShardRegistry();
    private final Map<String, TableRef> tables = new LinkedHashMap<>();
    /**
     * Run ids count from 1 and are guessable on purpose: they tell one run's flushes and pushes from a later run's
     * (a shard refuses a flush of another run, a client drops a push of an earlier one), they guard nothing against
     * a peer. With {@code spark.authenticate=true} no request of a peer without the secret reaches a shard (see
     * {@code AuthTest}), and a client installs pushes only from a shard that proved itself, only for rows it read;
     * without authentication any peer that reaches a shard's port may create, write and drop tables outright, so a
     * guessed run id would gain it nothing more. Checkpoint folders are named by run id too, readably.
     */
    private final AtomicLong runIds = new AtomicLong();
    private final Map<Long, RunPlan> runs = new java.util.HashMap<>();
    /** The thread that started each active run, to name it when another run is refused. */
    private final Map<Long, String> runOwners = new java.util.HashMap<>();
    private final Map<RunKey, RunPlan> recoveries = new java.util.HashMap<>();

    /** One attempt of one run. */
    private record RunKey(long originalRunId, int attempt) {
    }
    private PsClient admin;
    private PsClient scheduler;
    private CheckpointStore store;
    private List<ShardAddress> layout;
    private int nextTableId;

    private final PsSecurity security;
    private volatile DriverMetrics metrics = new DriverMetrics(new MetricRegistry());
    private final RunProgress progress = new RunProgress();

    /** A runtime whose connections neither authenticate nor encrypt. */
    public DriverRuntime(PsConf conf) {
        this(conf, PsSecurity.none());
    }

    /** A runtime whose connections to the shards authenticate and encrypt as {@code security} says. */
    public DriverRuntime(PsConf conf, PsSecurity security) {
        this.conf = conf;
        this.security = security;
    }

    /** Where runs, attempts and workers' clocks are counted (the driver plugin's metric registry). */
    public void metrics(DriverMetrics driverMetrics) {
        this.metrics = driverMetrics;
    }

    public DriverMetrics metrics() {
        return metrics;
    }

    /** Who hears of runs' and estimators' progress. */
    public RunProgress progress() {
        return progress;
    }

    /** A worker's report that it has completed {@code clock} clocks of run {@code runId}. Any thread. */
    public void workerProgress(long runId, int worker, int clock) {
        workerProgress(runId, worker, clock, Map.of());
    }

    /**
     * A worker's report that it has completed {@code clock} clocks of run {@code runId}, with the staleness bounds
     * in force for its next clock of its {@code SSP_AUTO} tables, by name. Any thread.
     */
    public void workerProgress(long runId, int worker, int clock, Map<String, Integer> bounds) {
        DriverMetrics m = metrics;
        m.clockReported(runId, worker, clock);
        m.boundsReported(runId, worker, bounds);
        if (runId == m.currentRun()) {
            progress.clocks(runId, m.slowestClock(), m.fastestClock(), m.boundsInForce());
        }
    }

    /** Records the application id once Spark has assigned it (after the plugin started). */
    public void applicationId(String id) {
        this.appId = id;
    }

    public String appId() {
        return appId;
    }

    public PsConf conf() {
        return conf;
    }

    // ---- executors and shard registration -------------------------------------------------------------

    /** An executor joined the application with {@code cores} cores. */
    public void executorAdded(String executorId, int cores) {
        registry.executorAdded(executorId, cores);
    }

    /** An executor left the application. */
    public void executorRemoved(String executorId) {
        registry.executorRemoved(executorId);
    }

    /** An executor's plugin reports its shard server (or its failure to start one). */
    public void register(RegisterShard r) {
        registry.register(r);
    }

    /**
     * The shard layout, waiting first (at most {@code spark.petuum.registrationTimeout}) until every executor
     * the application expects has registered its shard server. The layout is fixed by the first call.
     *
     * @throws PsTimeoutException naming the executors that did not register
     * @throws PsException        naming an executor whose shard server failed to start
     */
    public synchronized List<ShardAddress> awaitLayout(String master, SparkConf sparkConf) {
        if (layout == null) {
            layout = registry.awaitLayout(master, sparkConf, conf.registrationTimeoutMs());
            LOG.info("parameter server layout: {}", layout);
        }
        return layout;
    }

    /** The task slots of the executors Spark knows: their cores divided by {@code spark.task.cpus}. */
    public int taskSlots(String master, SparkConf sparkConf) {
        return registry.taskSlots(master, sparkConf);
    }

    // ---- tables ---------------------------------------------------------------------------------------

    /** Creates a table on every shard. @throws IllegalArgumentException if the name is taken */
    public synchronized TableRef createTable(TableSpec spec) {
        requireLayout();
        if (tables.containsKey(spec.name())) {
            throw new IllegalArgumentException("table '" + spec.name() + "' already exists; drop it first");
        }
        Rows.checkFits(spec, conf.maxFrameBytes());
        TableRef ref = new TableRef(nextTableId++, spec);
        int n = layout.size();
        List<ShardConnection.Pending> acks = new ArrayList<>();
        for (ShardAddress s : layout) {
            acks.add(admin().connection(s).send(seq -> new CreateTable(seq, ref.id(), spec, s.index(), n)));
        }
        awaitAll(acks, "creating table '" + spec.name() + "'");
        tables.put(spec.name(), ref);
        LOG.info("created table {} as id {} on {} shard(s)", spec, ref.id(), n);
        return ref;
    }

    /** Drops a table from every shard; dropping a table that does not exist is an error naming it. */
    public synchronized void dropTable(String name) {
        TableRef ref = table(name);
        List<ShardConnection.Pending> acks = new ArrayList<>();
        for (ShardAddress s : layout) {
            acks.add(admin().connection(s).send(seq -> new DropTable(seq, ref.id())));
        }
        awaitAll(acks, "dropping table '" + name + "'");
        tables.remove(name);
    }

    public synchronized TableRef table(String name) {
        TableRef t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no table '" + name + "' (tables: " + tables.keySet() + ")");
        }
        return t;
    }

    public synchronized List<TableRef> tables() {
        return List.copyOf(tables.values());
    }

    /**
     * Every row of a table as the shards hold it now: element {@code r} is row {@code r}, or {@code null}
     * for a row no update has touched (all zero). Rows travel in chunks that fit the frame limit.
     */
    public synchronized RowValues[] read(String name) {
        return TableTransfer.readAll(admin(), layout, conf, table(name));
    }

    /**
     * Sets rows of a table, replacing what they held; meant for between runs (initial values, a saved model).
     * Rows travel to their shards in chunks that fit the frame limit.
     */
    public synchronized void write(String name, int[] rows, RowValues[] values) {
        TableTransfer.write(admin(), layout, conf, table(name), rows, values);
    }

    // ---- runs -----------------------------------------------------------------------------------------

    /**
     * Shards keep one set of clocks, and a recovery restores every table, so two runs at once would corrupt each
     * other: a second run is refused, naming the active one, rather than queued behind it for an unknown time.
     */
    private void refuseConcurrentRun() {
        if (!runs.isEmpty()) {
            Map.Entry<Long, String> active = runOwners.entrySet().iterator().next();
            throw new IllegalStateException("run " + active.getKey() + " (started by thread '" + active.getValue()
                    + "') is still active: one run at a time per application; start the next when it returns "
                    + "(in CrossValidator or TrainValidationSplit, keep parallelism at 1)");
        }
    }

    /** Starts a run of {@code workers} workers on every shard and returns what its tasks need. */
    public synchronized RunPlan beginRun(int workers) {
        requireLayout();
        refuseConcurrentRun();
        long runId = runIds.incrementAndGet();
        String runDir = conf.checkpointEnabled()
                ? CheckpointStore.runDir(conf.checkpointDir(), appId, runId)
                : "";
        RunPlan plan = new RunPlan(appId, runId, workers, layout, List.copyOf(tables.values()), conf, runId, runDir, 0);
        startOnShards(plan, !runDir.isEmpty());
        runs.put(runId, plan);
        runOwners.put(runId, Thread.currentThread().getName());
        metrics.runsStarted.inc();
        return plan;
    }

    /** Starts a run with one worker on the driver; it is not recoverable (no checkpoints are written). */
    public synchronized RunPlan beginScheduledRun(int workers) {
        requireLayout();
        refuseConcurrentRun();
        long runId = runIds.incrementAndGet();
        RunPlan plan = new RunPlan(appId, runId, workers, layout, List.copyOf(tables.values()), conf, runId, "", 0);
        startOnShards(plan, false);
        runs.put(runId, plan);
        runOwners.put(runId, Thread.currentThread().getName());
        metrics.runsStarted.inc();
        return plan;
    }

    /** The client the driver's own worker uses in a scheduled run (its own cache, apart from admin requests). */
    public synchronized PsClient schedulerClient() {
        if (scheduler == null) {
            scheduler = new PsClient("scheduler of " + appId, conf, security);
            scheduler.clockListener(new ClockListener() {
                @Override
                public void clocked(long run, int worker, int clock, boolean last) {
                    workerProgress(run, worker, clock);
                }

                @Override
                public void clocked(long run, int worker, int clock, boolean last, Map<String, Integer> bounds) {
                    workerProgress(run, worker, clock, bounds);
                }
            });
        }
        return scheduler;
    }

    /**
     * The run ended: forget it. Its checkpoints are deleted if it succeeded; a run that failed for good keeps them
     * (its last good images are what is left of it), and the log says where.
     */
    public synchronized void endRun(RunPlan plan, boolean succeeded) {
        runs.remove(plan.originalRunId());
        runOwners.remove(plan.originalRunId());
        recoveries.keySet().removeIf(k -> k.originalRunId() == plan.originalRunId());
        if (plan.recoverable() && !succeeded) {
            LOG.warn("run {} failed; its checkpoints are kept in {}", plan.originalRunId(), plan.checkpointDir());
        } else if (plan.recoverable()) {
            try {
                store().deleteRun(plan.checkpointDir());
            } catch (java.io.IOException e) {
                LOG.warn("could not delete the checkpoints of run {} in {}", plan.originalRunId(), plan.checkpointDir(), e);
            }
        }
    }

    /**
     * Recovers a run whose attempt failed: replaces lost shard servers with those of new executors, restores
     * every shard from the newest complete checkpoint and starts the next attempt of the run at that clock.
     * Asking again for the same attempt returns the same plan.
     *
     * @return the plan the workers resume with
     */
    public synchronized RunPlan recover(long originalRunId, int attempt) {
        RunKey key = new RunKey(originalRunId, attempt);
        RunPlan done = recoveries.get(key);
        if (done != null) {
            return done;
        }
        RunPlan run = runs.get(originalRunId);
        if (run == null) {
            throw new PsException("run " + originalRunId + " is not active on this driver; it cannot be recovered", false);
        }
        if (!run.recoverable()) {
            throw new PsException("run " + originalRunId + " failed and was relaunched, but checkpoints are off ("
                    + PsConf.CHECKPOINT_ENABLED + "=false): the tables already hold part of the failed attempt's "
                    + "updates, so the run stops instead of counting them twice", false);
        }
        long start = System.nanoTime();
        healLayout();
        int n = layout.size();
        // Newest first; if a shard cannot restore one (a corrupt or unreadable file), every shard falls back to
        // the next older one, so all of them hold the same clock again. The list is read again after each failure:
        // the failed attempt's last images may still have been written (and older ones pruned) meanwhile.
        int clock = -1;
        java.util.Set<CheckpointStore.Checkpoint> tried = new java.util.HashSet<>();
        List<String> failures = new ArrayList<>();
        while (clock < 0) {
            CheckpointStore.Checkpoint c = nextCandidate(run, n, tried);
            if (c == null) {
                throw new PsException("run " + originalRunId + " cannot be recovered: "
                        + (tried.isEmpty() ? "it has no complete checkpoint in " + run.checkpointDir()
                        : "none of its complete checkpoints in " + run.checkpointDir() + " could be restored: "
                        + failures), false);
            }
            tried.add(c);
            List<ShardConnection.Pending> acks = new ArrayList<>();
            for (ShardAddress s : layout) {
                acks.add(admin().connection(s).send(seq -> new Restore(seq, originalRunId, c.attempt(), c.clock())));
            }
            try {
                awaitAll(acks, "restoring run " + originalRunId + " from the checkpoint of clock " + c.clock());
                clock = c.clock();
            } catch (PsException e) {
                failures.add(e.getMessage());
                LOG.warn("run {}: the checkpoint of clock {} (attempt {}) could not be restored ({}); trying an older one",
                        originalRunId, c.clock(), c.attempt(), e.getMessage());
            }
        }
        RunPlan resumed = new RunPlan(appId, runIds.incrementAndGet(), run.numWorkers(), layout, run.tables(), conf,
                originalRunId, run.checkpointDir(), clock);
        startOnShards(resumed, false);
        recoveries.put(key, resumed);
        metrics.recoveries.inc();
        LOG.warn("run {} (attempt {}) resumes at clock {} on {} after {} ms of recovery", originalRunId, attempt, clock,
                layout, (System.nanoTime() - start) / 1_000_000);
        return resumed;
    }

    /** The newest complete checkpoint of {@code run} not yet tried, or {@code null}. */
    private CheckpointStore.Checkpoint nextCandidate(RunPlan run, int shards, java.util.Set<CheckpointStore.Checkpoint> tried) {
        try {
            for (CheckpointStore.Checkpoint c : store().complete(run.checkpointDir(), shards)) {
                if (!tried.contains(c)) {
                    return c;
                }
            }
            return null;
        } catch (java.io.IOException e) {
            throw new PsException("cannot list the checkpoints of run " + run.originalRunId() + " in "
                    + run.checkpointDir() + ": " + e.getMessage(), true, e);
        }
    }

    private void startOnShards(RunPlan plan, boolean writeStartImage) {
        int n = layout.size();
        int interval = plan.recoverable() ? conf.checkpointInterval() : 0;
        List<ShardConnection.Pending> acks = new ArrayList<>();
        for (ShardAddress s : layout) {
            acks.add(admin().connection(s).send(seq -> new BeginRun(seq, plan.runId(), plan.numWorkers(), s.index(), n,
                    plan.startClock(), interval, plan.recoverable() ? plan.originalRunId() : 0, writeStartImage)));
        }
        awaitAll(acks, "starting run " + plan.runId());
        metrics.runAttempts.inc();
        metrics.runStarted(plan.runId(), plan.numWorkers());
        progress.runStarted(plan.runId(), plan.startClock());
    }

    /**
     * Gives every shard index whose executor is gone to a newly registered executor (waiting for one at most
     * {@code spark.petuum.registrationTimeout}) and creates the tables on it; its rows come from the checkpoint.
     */
    private void healLayout() {
        long deadline = System.nanoTime() + conf.registrationTimeoutMs() * 1_000_000L;
        List<ShardAddress> healed = new ArrayList<>(layout);
        for (int i = 0; i < healed.size(); i++) {
            ShardAddress s = healed.get(i);
            if (registry.stillRegistered(s) && reachable(s)) {
                continue;
            }
            // Spark may not have reported the executor's loss yet; an unreachable shard server is gone either way.
            registry.forget(s);
            RegisterShard replacement = registry.awaitReplacement(
                    executor -> healed.stream().anyMatch(a -> a.executorId().equals(executor)), deadline,
                    "shard " + i + " was served by executor " + s.executorId() + ", which is gone, and no new "
                            + "executor registered a shard server within " + conf.registrationTimeoutMs() + " ms ("
                            + PsConf.REGISTRATION_TIMEOUT + ")");
            ShardAddress next = new ShardAddress(i, replacement.executorId(), replacement.host(), replacement.port());
            healed.set(i, next);
            LOG.warn("{} is gone; executor {} takes over shard {}", s, replacement.executorId(), i);
            List<ShardConnection.Pending> acks = new ArrayList<>();
            for (TableRef t : tables.values()) {
                acks.add(admin().connection(next).send(seq -> new CreateTable(seq, t.id(), t.spec(), next.index(),
                        healed.size())));
            }
            for (ShardConnection.Pending p : acks) {
                PsClient.await(p.answer(), conf.requestTimeoutMs(), () -> next + " (creating tables)");
            }
        }
        layout = List.copyOf(healed);
    }

    private boolean reachable(ShardAddress s) {
        try {
            admin().connection(s);
            return true;
        } catch (PsException e) {
            LOG.warn("{} does not answer: {}", s, e.getMessage());
            return false;
        }
    }

    private synchronized CheckpointStore store() {
        if (store == null) {
            store = CheckpointStore.forThisJvm();
        }
        return store;
    }

    private void requireLayout() {
        if (layout == null) {
            throw new IllegalStateException("the shard layout is not known yet: obtain the context with PsContext.get");
        }
    }

    private PsClient admin() {
        if (admin == null) {
            admin = new PsClient("coordinator of " + appId, conf, security);
        }
        return admin;
    }

    private void awaitAll(List<ShardConnection.Pending> pending, String what) {
        for (int i = 0; i < pending.size(); i++) {
            ShardAddress s = layout.get(i);
            Message m = PsClient.await(pending.get(i).answer(), conf.requestTimeoutMs(), () -> s + " (" + what + ")");
            LOG.trace("{}: {} answered {}", what, s, m);
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
    }
}
