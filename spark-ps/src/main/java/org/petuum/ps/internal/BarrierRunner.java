package org.petuum.ps.internal;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.petuum.ps.PsException;
import org.petuum.ps.PsWorker;
import org.petuum.ps.WorkerFunction;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Runs one worker per partition in a single gang-scheduled (barrier) stage: all workers start together,
 * which SSP needs (a worker waiting for one that has not been scheduled would wait forever). No barrier
 * call is made inside the stage; workers synchronise through the shards' clocks.
 */
public final class BarrierRunner {
    private BarrierRunner() {
    }

    /**
     * Runs {@code fn} on every partition of {@code data} as the workers of {@code plan}.
     *
     * @throws PsException if the cluster has fewer task slots than {@code data} has partitions
     */
    public static <T, R> List<R> run(JavaRDD<T> data, RunPlan plan, WorkerFunction<T, R> fn) {
        int partitions = data.getNumPartitions();
        if (partitions > plan.numWorkers()) {
            // A scheduled run has one worker more than partitions: the driver's.
            throw new IllegalArgumentException("the plan has " + plan.numWorkers() + " workers but the data has "
                    + partitions + " partitions");
        }
        @SuppressWarnings("unchecked")
        ClassTag<R> tag = (ClassTag<R>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
        RDD<R> out = data.rdd().barrier().mapPartitions(new WorkerMain<>(plan, fn), false, tag);
        // When one task fails, Spark cancels the stage's other tasks, but interrupts their threads only if the job
        // asks for it: without it a worker of the failed attempt keeps running, holding its task slot (the relaunch
        // waits for it) and writing to the tables. The property is this thread's, restored after the job.
        org.apache.spark.SparkContext sc = data.context();
        String before = sc.getLocalProperty(INTERRUPT_ON_CANCEL);
        sc.setLocalProperty(INTERRUPT_ON_CANCEL, "true");
        try {
            return new JavaRDD<>(out, tag).collect();
        } finally {
            sc.setLocalProperty(INTERRUPT_ON_CANCEL, before);
        }
    }

    /** Spark's job property that makes cancelling a job interrupt its running tasks' threads. */
    private static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

    /** Checks the slot count first: a barrier stage larger than the cluster retries for minutes instead. */
    public static void checkSlots(int partitions, int taskSlots) {
        if (partitions > taskSlots) {
            throw new PsException("a run needs one task slot per partition, all at once: the data has " + partitions
                    + " partitions but the cluster has " + taskSlots + " task slots (executor cores / spark.task.cpus);"
                    + " repartition the data to at most " + taskSlots + " partitions or add executors", false);
        }
    }

    /**
     * The task body: finds this JVM's client, runs the worker, and, if it returns, makes sure all its updates reached
     * the shards; if it throws, sends none of those still unsent.
     */
    private static final class WorkerMain<T, R> extends AbstractFunction1<scala.collection.Iterator<T>,
            scala.collection.Iterator<R>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RunPlan plan;
        private final WorkerFunction<T, R> fn;

        WorkerMain(RunPlan plan, WorkerFunction<T, R> fn) {
            this.plan = plan;
            this.fn = fn;
        }

        @Override
        public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> input) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            ExecutorRuntime rt = Runtimes.executor(org.apache.spark.SparkEnv.get());
            if (rt == null) {
                throw new PsException("no parameter server runs in this executor JVM for application " + plan.appId()
                        + ": was the application started with spark.plugins=org.petuum.ps.PetuumPlugin?", false);
            }
            if (ctx.stageAttemptNumber() > 0) {
                // Spark relaunched the stage by itself; only the runner may relaunch a run, after restoring it.
                throw new PsException("run " + plan.runId() + " was relaunched by Spark (stage attempt "
                        + ctx.stageAttemptNumber() + ") without being restored; the tables may hold part of the failed "
                        + "attempt's updates, so this attempt stops", false);
            }
            R result;
            PsWorker worker = new PsWorker(rt.client(), plan, ctx.partitionId());
            try {
                result = fn.run(worker, new JavaIterator<>(input));
            } catch (RuntimeException | Error e) {
                worker.abandon(); // nothing of the failed function's unsent updates may reach the tables
                throw e;
            } catch (Exception e) {
                worker.abandon();
                throw new PsException("worker " + ctx.partitionId() + " of run " + plan.runId() + " failed", false, e);
            }
            // Returned normally: what it updated after its last clock goes out as its last flush.
            worker.close();
            return scala.collection.Iterator$.MODULE$.single(result);
        }
    }

    /** A Scala iterator seen as a Java one (one source for Scala 2.12 and 2.13). */
    private static final class JavaIterator<T> implements Iterator<T> {
        private final scala.collection.Iterator<T> it;

        JavaIterator(scala.collection.Iterator<T> it) {
            this.it = it;
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public T next() {
            return it.next();
        }
    }
}
