package org.petuum.ps.internal;

import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.ClockListener;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.metrics.DriverMetrics;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * The coordinator on the driver, and the driver side's composition root: the executors and their shard servers
 * ({@link ShardRegistry}, {@link ShardLayout}), the tables ({@link TableCatalogue}, {@link TablesImage}), runs
 * ({@link RunCoordinator}) and the replacement of lost shards ({@link ShardHealer}).
 *
 * <p>Every call that touches tables or the layout first replaces the shards whose executor is gone (between runs;
 * during a run its recovery does), and a call that fails because a shard went away meanwhile is made once more after
 * replacing it.
 *
 * <p>Thread-safe: registrations arrive on Spark's RPC threads and executor events on its listener thread (both go
 * to the thread-safe {@link ShardRegistry}); every other call is serialised on this object's monitor, which confines
 * the layout, catalogue, image and runs. Calls block at most for their requests' timeouts
 * ({@code spark.petuum.requestTimeout} each) plus, when a shard must be replaced,
 * {@code spark.petuum.registrationTimeout}.
 */
public final class DriverRuntime implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(DriverRuntime.class);

    private final PsConf conf;
    private final PsSecurity security;
    private volatile String appId = "(application id not assigned yet)";
    private volatile DriverMetrics metrics = new DriverMetrics(new MetricRegistry());
    private final RunProgress progress = new RunProgress();
    private final ShardRegistry registry = new ShardRegistry();
    private final ShardLayout layout;
    private final TableCatalogue catalogue;
    private final TablesImage images;
    private final ShardHealer healer;
    private final RunCoordinator runs;
    private PsClient admin;
    private PsClient scheduler;
    private CheckpointStore store;

    /** A runtime whose connections neither authenticate nor encrypt. */
    public DriverRuntime(PsConf conf) {
        this(conf, PsSecurity.none());
    }

    /** A runtime whose connections to the shards authenticate and encrypt as {@code security} says. */
    public DriverRuntime(PsConf conf, PsSecurity security) {
        this.conf = conf;
        this.security = security;
        Supplier<PsClient> admin = this::admin;
        Supplier<DriverMetrics> metrics = () -> this.metrics;
        this.layout = new ShardLayout(conf, registry, admin);
        this.catalogue = new TableCatalogue(conf, layout, admin);
        this.images = new TablesImage(conf, layout, admin, this::store);
        this.healer = new ShardHealer(conf, layout, catalogue, images, metrics);
        this.runs = new RunCoordinator(conf, () -> appId, layout, catalogue, images, healer, this::store, metrics,
                progress);
    }

    /** Where runs, attempts, workers' clocks and replaced shards are counted (the driver plugin's registry). */
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

    /** An executor joined the application with {@code cores} cores. Any thread. */
    public void executorAdded(String executorId, int cores) {
        registry.executorAdded(executorId, cores);
    }

    /** An executor left the application. Any thread. */
    public void executorRemoved(String executorId) {
        registry.executorRemoved(executorId);
    }

    /** An executor's plugin reports its shard server (or its failure to start one). Any thread. */
    public void register(RegisterShard r) {
        registry.register(r);
    }

    /**
     * The shard layout, waiting first (at most {@code spark.petuum.registrationTimeout}) until every executor
     * the application expects has registered its shard server. The layout is fixed by the first call that
     * succeeds; later calls replace shards whose executor is gone.
     *
     * @throws PsTimeoutException naming the executors that did not register
     * @throws PsException        naming an executor whose shard server failed to start, and why
     */
    public synchronized List<ShardAddress> awaitLayout(String master, SparkConf sparkConf) {
        layout.awaitFixed(master, sparkConf);
        heal();
        return layout.current();
    }

    /** The shard layout now (after replacements). */
    public synchronized List<ShardAddress> layout() {
        return layout.current();
    }

    /** The task slots of the executors Spark knows: their cores divided by {@code spark.task.cpus}. */
    public int taskSlots(String master, SparkConf sparkConf) {
        return registry.taskSlots(master, sparkConf);
    }

    // ---- tables ---------------------------------------------------------------------------------------

    /** Creates a table on every shard. @throws IllegalArgumentException if the name is taken */
    public synchronized TableRef createTable(TableSpec spec) {
        return withShards(() -> catalogue.create(spec));
    }

    /** Drops a table from every shard; dropping a table that does not exist is an error naming it. */
    public synchronized void dropTable(String name) {
        withShards(() -> {
            catalogue.drop(name);
            return null;
        });
    }

    /**
     * The table of this name.
     *
     * @throws PsException              if its rows were lost with an executor, saying which and why
     * @throws IllegalArgumentException if there is no such table
     */
    public synchronized TableRef table(String name) {
        return catalogue.get(name);
    }

    public synchronized List<TableRef> tables() {
        return catalogue.all();
    }

    /**
     * Every row of a table as the shards hold it now: element {@code r} is row {@code r}, or {@code null}
     * for a row no update has touched (all zero). Rows travel in chunks that fit the frame limit.
     */
    public synchronized RowValues[] read(String name) {
        return withShards(() -> catalogue.read(name));
    }

    /**
     * Sets rows of a table, replacing what they held; meant for between runs (initial values, a saved model).
     * Rows travel to their shards in chunks that fit the frame limit.
     */
    public synchronized void write(String name, int[] rows, RowValues[] values) {
        withShards(() -> {
            catalogue.write(name, rows, values);
            return null;
        });
    }

    // ---- runs -----------------------------------------------------------------------------------------

    /** Starts a run of {@code workers} workers on every shard and returns what its tasks need. */
    public synchronized RunPlan beginRun(int workers) {
        runs.refuseConcurrentRun();
        return withShards(() -> runs.begin(workers, true));
    }

    /** Starts a run with one worker on the driver; it is not recoverable (no checkpoints are written). */
    public synchronized RunPlan beginScheduledRun(int workers) {
        runs.refuseConcurrentRun();
        return withShards(() -> runs.begin(workers, false));
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

    /** The run ended: see {@link RunCoordinator#end}. */
    public synchronized void endRun(RunPlan plan, boolean succeeded) {
        runs.end(plan, succeeded);
    }

    /** Recovers a failed attempt of a run: see {@link RunCoordinator#recover}. */
    public synchronized RunPlan recover(long originalRunId, int attempt) {
        return runs.recover(originalRunId, attempt);
    }

    // ---- shards that are gone -------------------------------------------------------------------------

    /** Replaces the shards whose executor is gone, unless a run is active (its recovery does that). */
    private boolean heal() {
        return !runs.active() && healer.healBetweenRuns();
    }

    /**
     * Runs {@code op} after replacing any shard found gone; if it fails and a shard turns out to have gone
     * meanwhile, replaces that shard and runs {@code op} once more.
     */
    private <T> T withShards(Supplier<T> op) {
        heal();
        try {
            return op.get();
        } catch (PsException e) {
            boolean replaced;
            try {
                replaced = heal();
            } catch (PsException healing) {
                healing.addSuppressed(e);
                throw healing;
            }
            if (!replaced) {
                throw e;
            }
            LOG.warn("a request failed because its shard was lost ({}); the shard was replaced, trying once more",
                    e.getMessage());
            return op.get();
        }
    }

    private synchronized CheckpointStore store() {
        if (store == null) {
            store = CheckpointStore.forThisJvm();
        }
        return store;
    }

    private synchronized PsClient admin() {
        if (admin == null) {
            admin = new PsClient("coordinator of " + appId, conf, security);
        }
        return admin;
    }

    /** Closes the connections and deletes the image of the tables (they end with the application). */
    @Override
    public synchronized void close() {
        if (conf.checkpointEnabled()) {
            images.deleteAll();
        }
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
