package org.petuum.ps;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.internal.BarrierRunner;
import org.petuum.ps.internal.DriverRuntime;
import org.petuum.ps.internal.DynamicAllocation;
import org.petuum.ps.internal.Runtimes;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * The driver API: the parameter server of one Spark application. Create tables, run workers on them, read
 * the results back.
 *
 * <pre>{@code
 * PsContext ps = PsContext.get(spark);
 * ps.createTable(TableSpec.dense("weights", 1, 124).staleness(2));
 * ps.run(data, 20, (worker, rows, clock) -> {
 *     PsTable w = worker.table("weights");
 *     double[] current = w.get(0);
 *     // ... compute a gradient step from rows ...
 *     w.inc(0, step);
 * });
 * double[][] weights = ps.readDense("weights");
 * }</pre>
 *
 * <p>Thread-safe; calls that change tables or start runs are serialised. One run at a time: a run started while
 * another is active fails at once with {@link IllegalStateException} naming the active run.
 */
public final class PsContext {
    private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(PsContext.class);

    private final SparkContext sc;
    private final DriverRuntime runtime;

    private PsContext(SparkContext sc, DriverRuntime runtime) {
        this.sc = sc;
        this.runtime = runtime;
    }

    /** The parameter server of {@code spark}'s application. See {@link #get(SparkContext)}. */
    public static PsContext get(SparkSession spark) {
        return get(spark.sparkContext());
    }

    /** The parameter server of {@code jsc}'s application. See {@link #get(SparkContext)}. */
    public static PsContext get(JavaSparkContext jsc) {
        return get(jsc.sc());
    }

    /**
     * The parameter server of {@code sc}'s application, waiting (at most {@code spark.petuum.registrationTimeout})
     * until every expected executor has registered its shard server.
     *
     * <p>Dynamic allocation ({@code spark.dynamicAllocation.enabled=true}, outside local mode) is refused unless
     * {@code spark.dynamicAllocation.minExecutors} equals {@code maxExecutors}: Spark would release idle executors
     * between runs, and every executor holds a shard of every table. An executor lost anyway (a crash) is replaced
     * by the next call that needs its shard (see {@link #createTable}).
     *
     * @throws PsException if the plugin is not enabled, dynamic allocation may release executors, or an executor's
     *                     shard server failed or never registered (naming it and why; a later call tries again)
     */
    public static PsContext get(SparkContext sc) {
        DriverRuntime rt = Runtimes.driver(sc);
        if (rt == null) {
            throw new PsException("the parameter server is not running in application " + sc.applicationId()
                    + ": start Spark with --conf spark.plugins=org.petuum.ps.PetuumPlugin", false);
        }
        DynamicAllocation.refuseReleases(sc.master(), sc.conf());
        rt.applicationId(sc.applicationId());
        rt.awaitLayout(sc.master(), sc.conf());
        return new PsContext(sc, rt);
    }

    /** The shard servers, by index, as they are now (a lost executor's index goes to the one that replaced it). */
    public List<ShardAddress> shards() {
        return runtime.layout();
    }

    public PsConf conf() {
        return runtime.conf();
    }

    /** The task slots the cluster offers now: the most partitions a run can have. */
    public int taskSlots() {
        return runtime.taskSlots(sc.master(), sc.conf());
    }

    /**
     * Adds a listener that hears how runs progress (each clock the slowest worker completes, as the workers report
     * it, at most every 200 ms each) and what estimators and commands report through {@link #reportProgress}.
     */
    public void addProgressListener(ProgressListener listener) {
        runtime.progress().add(listener);
    }

    public void removeProgressListener(ProgressListener listener) {
        runtime.progress().remove(listener);
    }

    /** Tells every progress listener of {@code progress}: how an estimator's passes or a command's steps go. */
    public void reportProgress(Progress progress) {
        runtime.progress().tell(progress);
    }

    /**
     * Creates a table on every shard.
     *
     * <p>This call, like every other on tables and runs, first gives the index of a shard whose executor was lost to
     * an executor that serves none (waiting at most {@code spark.petuum.registrationTimeout} for one), creates every
     * table there and restores their rows from the image written at the end of the last successful run (with
     * checkpoints on). A table changed since that image (a {@link #write}, a run that failed or ran without
     * checkpoints) cannot get the lost rows back: it is dropped, and naming it fails with a {@link PsException}
     * naming it, the shard and the executor.
     *
     * @throws IllegalArgumentException if a table of that name exists
     */
    public TableRef createTable(TableSpec spec) {
        return runtime.createTable(spec);
    }

    /** Drops a table from every shard. @throws IllegalArgumentException if there is no such table */
    public void dropTable(String name) {
        runtime.dropTable(name);
    }

    /** The tables that exist now, in creation order. */
    public List<TableRef> tables() {
        return runtime.tables();
    }

    /**
     * Every row of a table as the shards hold it now: element {@code r} is row {@code r}, or {@code null}
     * for a row no update has touched (all zero).
     */
    public RowValues[] read(String name) {
        return runtime.read(name);
    }

    /** Every row of a table as dense arrays ({@code rows × cols}); untouched rows are zeros. */
    public double[][] readDense(String name) {
        TableSpec spec = runtime.table(name).spec();
        RowValues[] rows = read(name);
        double[][] out = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = rows[r] == null ? new double[spec.cols()] : rows[r].toArray();
        }
        return out;
    }

    /**
     * Sets rows of a table, replacing what they held: initial values or a saved model, written between runs.
     * {@code values[i]} becomes row {@code rows[i]}.
     */
    public void write(String name, int[] rows, RowValues[] values) {
        runtime.write(name, rows, values);
    }

    /** Sets every row of a dense table from {@code values} ({@code rows × cols}). */
    public void writeDense(String name, double[][] values) {
        int[] rows = new int[values.length];
        RowValues[] rv = new RowValues[values.length];
        for (int r = 0; r < values.length; r++) {
            rows[r] = r;
            rv[r] = org.petuum.ssp.DenseRow.wrap(values[r]);
        }
        write(name, rows, rv);
    }

    /**
     * A table as a DataFrame of its touched rows: {@code (row INT, values ARRAY<DOUBLE>)} for dense tables,
     * {@code (row INT, indices ARRAY<INT>, values ARRAY<DOUBLE>)} for sparse ones.
     */
    public Dataset<Row> readAsDataFrame(SparkSession spark, String name) {
        TableSpec spec = runtime.table(name).spec();
        RowValues[] rows = read(name);
        boolean dense = spec.storage() == TableSpec.Storage.DENSE;
        StructType schema = new StructType().add("row", DataTypes.IntegerType, false);
        schema = dense ? schema.add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                : schema.add("indices", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                        .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        List<Row> out = new ArrayList<>();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null) {
                continue;
            }
            if (dense) {
                out.add(RowFactory.create(r, rows[r].toArray()));
            } else {
                List<Integer> idx = new ArrayList<>();
                List<Double> val = new ArrayList<>();
                rows[r].forEachNonZero((c, v) -> {
                    idx.add(c);
                    val.add(v);
                });
                out.add(RowFactory.create(r, idx.stream().mapToInt(Integer::intValue).toArray(),
                        val.stream().mapToDouble(Double::doubleValue).toArray()));
            }
        }
        return spark.createDataFrame(out, schema);
    }

    /**
     * Runs one worker per partition of {@code data}, all at once in one gang-scheduled stage, each for as
     * many clocks as its function likes, and returns their results in partition order.
     *
     * <p>If an attempt fails (a task throws, an executor dies), the tables are restored from the run's newest
     * complete checkpoint ({@code spark.petuum.checkpoint.*}) and the workers are launched again, starting at
     * that checkpoint's clock: a worker function must take its clock from {@link PsWorker#currentClock()} and
     * keep its durable state in tables. Up to {@code spark.petuum.maxRunAttempts} attempts.
     *
     * @throws PsException if the cluster has fewer task slots than {@code data} has partitions, or a worker failed
     */
    public <T, R> List<R> runWorkers(JavaRDD<T> data, WorkerFunction<T, R> fn) {
        BarrierRunner.checkSlots(data.getNumPartitions(), taskSlots());
        RunPlan plan = runtime.beginRun(data.getNumPartitions());
        boolean succeeded = false;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    List<R> results = BarrierRunner.run(data, plan, fn);
                    succeeded = true;
                    return results;
                } catch (Exception e) {
                    // Spark does not relaunch a failed barrier result stage; the runner does, after restoring
                    // the tables from the newest complete checkpoint so nothing is lost or counted twice.
                    if (!plan.recoverable() || attempt >= runtime.conf().maxRunAttempts()) {
                        throw e;
                    }
                    LOG.warn("run {} attempt {} of {} failed ({}); recovering from its newest checkpoint",
                            plan.originalRunId(), attempt, runtime.conf().maxRunAttempts(), e.getMessage());
                    plan = recover(plan, attempt);
                }
            }
        } finally {
            runtime.endRun(plan, succeeded);
        }
    }

    /**
     * Runs one worker per partition of {@code data} together with one more worker on the driver (id
     * {@code data.getNumPartitions()}), which runs {@code driver} on a thread of its own while the stage runs.
     * The driver's worker takes part in the clocks like any other, so it can schedule the others through
     * tables: publish an assignment, clock, read what they pushed for that round. A scheduled run is not
     * recovered from checkpoints (the driver's own state is not in the tables): if either side fails, the other
     * is stopped and the run fails.
     */
    public <T, R, D> ScheduledRun<R, D> runScheduled(JavaRDD<T> data, WorkerFunction<T, R> workers,
                                                     DriverFunction<D> driver) {
        int partitions = data.getNumPartitions();
        BarrierRunner.checkSlots(partitions, taskSlots());
        RunPlan plan = runtime.beginScheduledRun(partitions + 1);
        String group = "petuum-run-" + plan.runId();
        java.util.concurrent.CompletableFuture<D> driverResult = new java.util.concurrent.CompletableFuture<>();
        Thread driverThread = new Thread(() -> {
            try {
                PsWorker self = new PsWorker(runtime.schedulerClient(), plan, partitions);
                D result;
                try {
                    result = driver.run(self);
                } catch (Throwable t) {
                    self.abandon(); // a failed driver part sends nothing more
                    throw t;
                }
                self.close(); // its updates after its last clock go out as its last flush
                driverResult.complete(result);
            } catch (Throwable t) {
                driverResult.completeExceptionally(t);
                sc.cancelJobGroup(group);
            }
        }, "petuum-scheduler-" + plan.runId());
        driverThread.setDaemon(true);
        driverThread.start();
        List<R> results;
        try {
            sc.setJobGroup(group, "petuum scheduled run " + plan.runId(), true);
            results = BarrierRunner.run(data, plan, workers);
        } catch (Exception e) {
            // Whether the driver's part failed first (it then cancelled the stage) must be read before interrupting
            // it: once interrupted, it fails too, and a worker's failure would be reported as that interruption.
            boolean driverFailedFirst = driverResult.isCompletedExceptionally();
            driverThread.interrupt();
            if (driverFailedFirst) {
                Throwable cause = driverFailure(driverResult);
                throw new PsException("the driver's part of run " + plan.runId() + " failed: " + cause, false, cause);
            }
            throw e;
        } finally {
            sc.clearJobGroup();
            runtime.endRun(plan, false); // a scheduled run writes no checkpoints: nothing to keep or delete
        }
        try {
            return new ScheduledRun<>(results, PsClient.await(driverResult, runtime.conf().requestTimeoutMs(),
                    () -> "the driver's part of run " + plan.runId()));
        } catch (PsException e) {
            throw e.getCause() instanceof PsException ? e : new PsException("the driver's part of run " + plan.runId()
                    + " failed: " + e.getMessage(), false, e);
        }
    }

    private static Throwable driverFailure(java.util.concurrent.CompletableFuture<?> f) {
        try {
            f.join();
            return new IllegalStateException("no failure");
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    /** Recovers a failed attempt; a recovery that fails for a passing reason (a shard lost meanwhile) is retried. */
    private RunPlan recover(RunPlan plan, int attempt) {
        for (int tries = 1; ; tries++) {
            try {
                return runtime.recover(plan.originalRunId(), attempt);
            } catch (PsException e) {
                if (!e.retriable() || tries >= runtime.conf().maxRunAttempts()) {
                    throw e;
                }
                LOG.warn("recovering run {} failed ({}); trying again", plan.originalRunId(), e.getMessage());
            }
        }
    }

    /**
     * Runs {@code clocks} clocks of {@code fn} on every partition of {@code data}: the runner loads the
     * partition once, calls {@code fn} once per clock and ends each clock with {@link PsWorker#clock()}.
     */
    public <T> RunSummary run(JavaRDD<T> data, int clocks, ClockFunction<T> fn) {
        if (clocks <= 0) {
            throw new IllegalArgumentException("clocks : " + clocks + " (expected: > 0)");
        }
        long start = System.nanoTime();
        List<Long> waits = runWorkers(data, (worker, it) -> {
            List<T> partition = new ArrayList<>();
            for (Iterator<T> i = it; i.hasNext(); ) {
                partition.add(i.next());
            }
            // A run resumed from a checkpoint starts at the checkpoint's clock.
            for (int c = worker.currentClock(); c < clocks; c++) {
                fn.clock(worker, partition, c);
                worker.clock();
            }
            return worker.waitNanos() / 1_000_000L;
        });
        long[] w = waits.stream().mapToLong(Long::longValue).toArray();
        return new RunSummary(w.length, clocks, (System.nanoTime() - start) / 1_000_000L, w);
    }
}
