package org.petuum.ps.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.metrics.DriverMetrics;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.Restore;

/**
 * Runs on the driver: starting one on every shard, ending it (deleting its checkpoints, and writing the image of the
 * tables that a shard lost between runs comes back from), and recovering a failed attempt from the run's newest
 * complete checkpoint.
 *
 * <p>Not thread-safe: confined to the {@link DriverRuntime}'s monitor.
 */
final class RunCoordinator {
    private static final Logger LOG = LogManager.getLogger(RunCoordinator.class);

    /** One attempt of one run. */
    private record RunKey(long originalRunId, int attempt) {
    }

    private final PsConf conf;
    private final Supplier<String> appId;
    private final ShardLayout layout;
    private final TableCatalogue catalogue;
    private final TablesImage images;
    private final ShardHealer healer;
    private final Supplier<CheckpointStore> store;
    private final Supplier<DriverMetrics> metrics;
    private final RunProgress progress;
    /**
     * Run ids count from 1 and are guessable on purpose: they tell one run's flushes and pushes from a later run's
     * (a shard refuses a flush of another run, a client drops a push of an earlier one), they guard nothing against
     * a peer. With {@code spark.authenticate=true} no request of a peer without the secret reaches a shard (see
     * {@code AuthTest}), and a client installs pushes only from a shard that proved itself, only for rows it read;
     * without authentication any peer that reaches a shard's port may create, write and drop tables outright, so a
     * guessed run id would gain it nothing more. Checkpoint folders are named by run id too, readably; so are the
     * images of the tables ({@link TablesImage}), which take ids from the same counter.
     */
    private final AtomicLong runIds = new AtomicLong();
    private final Map<Long, RunPlan> runs = new HashMap<>();
    /** The thread that started each active run, to name it when another run is refused. */
    private final Map<Long, String> runOwners = new HashMap<>();
    private final Map<RunKey, RunPlan> recoveries = new HashMap<>();

    RunCoordinator(PsConf conf, Supplier<String> appId, ShardLayout layout, TableCatalogue catalogue,
                   TablesImage images, ShardHealer healer, Supplier<CheckpointStore> store,
                   Supplier<DriverMetrics> metrics, RunProgress progress) {
        this.conf = conf;
        this.appId = appId;
        this.layout = layout;
        this.catalogue = catalogue;
        this.images = images;
        this.healer = healer;
        this.store = store;
        this.metrics = metrics;
        this.progress = progress;
    }

    /** Whether a run is active (between its start and its end). */
    boolean active() {
        return !runs.isEmpty();
    }

    /**
     * Shards keep one set of clocks, and a recovery restores every table, so two runs at once would corrupt each
     * other: a second run is refused, naming the active one, rather than queued behind it for an unknown time.
     */
    void refuseConcurrentRun() {
        if (!runs.isEmpty()) {
            Map.Entry<Long, String> active = runOwners.entrySet().iterator().next();
            throw new IllegalStateException("run " + active.getKey() + " (started by thread '" + active.getValue()
                    + "') is still active: one run at a time per application; start the next when it returns "
                    + "(in CrossValidator or TrainValidationSplit, keep parallelism at 1)");
        }
    }

    /**
     * Starts a run of {@code workers} workers on every shard; with {@code recoverable} (and checkpoints on) it
     * writes the image of its start and periodic checkpoints.
     */
    RunPlan begin(int workers, boolean recoverable) {
        refuseConcurrentRun();
        long runId = runIds.incrementAndGet();
        String runDir = recoverable && conf.checkpointEnabled()
                ? CheckpointStore.runDir(conf.checkpointDir(), appId.get(), runId)
                : "";
        RunPlan plan = new RunPlan(appId.get(), runId, workers, layout.current(), catalogue.all(), conf, runId, runDir,
                0);
        startOnShards(plan, !runDir.isEmpty());
        // Only now can workers change tables: a start that failed (a shard lost meanwhile) leaves them as they were.
        catalogue.runStarted();
        runs.put(runId, plan);
        runOwners.put(runId, Thread.currentThread().getName());
        metrics.get().runsStarted.inc();
        return plan;
    }

    /**
     * The run ended: forget it. A run that failed for good keeps its checkpoints (its last good images are what is
     * left of it), and the log says where. A recoverable run that succeeded has them deleted, after an image of
     * every table as it left them is written (see {@link TablesImage}); if that image cannot be written, the run
     * still succeeded and the log says what a lost shard would now cost.
     */
    void end(RunPlan plan, boolean succeeded) {
        runs.remove(plan.originalRunId());
        runOwners.remove(plan.originalRunId());
        recoveries.keySet().removeIf(k -> k.originalRunId() == plan.originalRunId());
        if (!plan.recoverable()) {
            return;
        }
        if (!succeeded) {
            LOG.warn("run {} failed; its checkpoints are kept in {}", plan.originalRunId(), plan.checkpointDir());
            return;
        }
        try {
            images.write(appId.get(), runIds.incrementAndGet(), catalogue.all());
            catalogue.imaged();
        } catch (RuntimeException e) {
            LOG.warn("the image of the tables at the end of run {} could not be written ({}); until a later run "
                    + "succeeds, an executor lost between runs takes its shard's rows of every table with it",
                    plan.originalRunId(), e.getMessage(), e);
        }
        try {
            store.get().deleteRun(plan.checkpointDir());
        } catch (IOException e) {
            LOG.warn("could not delete the checkpoints of run {} in {}", plan.originalRunId(), plan.checkpointDir(), e);
        }
    }

    /**
     * Recovers a run whose attempt failed: replaces lost shard servers with those of new executors, restores
     * every shard from the newest complete checkpoint and starts the next attempt of the run at that clock.
     * Asking again for the same attempt returns the same plan.
     *
     * @return the plan the workers resume with
     */
    RunPlan recover(long originalRunId, int attempt) {
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
        healer.replaceForRecovery();
        int clock = restoreNewest(run);
        RunPlan resumed = new RunPlan(appId.get(), runIds.incrementAndGet(), run.numWorkers(), layout.current(),
                run.tables(), conf, originalRunId, run.checkpointDir(), clock);
        startOnShards(resumed, false);
        recoveries.put(key, resumed);
        metrics.get().recoveries.inc();
        LOG.warn("run {} (attempt {}) resumes at clock {} on {} after {} ms of recovery", originalRunId, attempt, clock,
                layout.current(), (System.nanoTime() - start) / 1_000_000);
        return resumed;
    }

    /**
     * Restores every shard from the newest complete checkpoint of {@code run} and returns its clock. If a shard
     * cannot restore one (a corrupt or unreadable file), every shard falls back to the next older one, so all of
     * them hold the same clock again. The list is read again after each failure: the failed attempt's last images
     * may still have been written (and older ones pruned) meanwhile.
     */
    private int restoreNewest(RunPlan run) {
        long originalRunId = run.originalRunId();
        Set<CheckpointStore.Checkpoint> tried = new HashSet<>();
        List<String> failures = new ArrayList<>();
        while (true) {
            CheckpointStore.Checkpoint c = nextCandidate(run, layout.size(), tried);
            if (c == null) {
                throw new PsException("run " + originalRunId + " cannot be recovered: "
                        + (tried.isEmpty() ? "it has no complete checkpoint in " + run.checkpointDir()
                        : "none of its complete checkpoints in " + run.checkpointDir() + " could be restored: "
                        + failures), false);
            }
            tried.add(c);
            try {
                layout.onEveryShard(s -> seq -> new Restore(seq, originalRunId, c.attempt(), c.clock()),
                        "restoring run " + originalRunId + " from the checkpoint of clock " + c.clock());
                return c.clock();
            } catch (PsException e) {
                failures.add(e.getMessage());
                LOG.warn("run {}: the checkpoint of clock {} (attempt {}) could not be restored ({}); trying an older one",
                        originalRunId, c.clock(), c.attempt(), e.getMessage());
            }
        }
    }

    /** The newest complete checkpoint of {@code run} not yet tried, or {@code null}. */
    private CheckpointStore.Checkpoint nextCandidate(RunPlan run, int shards, Set<CheckpointStore.Checkpoint> tried) {
        try {
            for (CheckpointStore.Checkpoint c : store.get().complete(run.checkpointDir(), shards)) {
                if (!tried.contains(c)) {
                    return c;
                }
            }
            return null;
        } catch (IOException e) {
            throw new PsException("cannot list the checkpoints of run " + run.originalRunId() + " in "
                    + run.checkpointDir() + ": " + e.getMessage(), true, e);
        }
    }

    private void startOnShards(RunPlan plan, boolean writeStartImage) {
        int n = layout.size();
        int interval = plan.recoverable() ? conf.checkpointInterval() : 0;
        layout.onEveryShard(s -> seq -> new BeginRun(seq, plan.runId(), plan.numWorkers(), s.index(), n,
                        plan.startClock(), interval, plan.recoverable() ? plan.originalRunId() : 0, writeStartImage),
                "starting run " + plan.runId());
        DriverMetrics m = metrics.get();
        m.runAttempts.inc();
        m.runStarted(plan.runId(), plan.numWorkers());
        progress.runStarted(plan.runId(), plan.startClock());
    }
}
