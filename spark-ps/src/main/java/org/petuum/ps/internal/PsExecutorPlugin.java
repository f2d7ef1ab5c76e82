package org.petuum.ps.internal;

import java.net.BindException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.petuum.ps.PsConf;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ps.server.ShardServer;

/**
 * The executor half of the plugin: starts this JVM's shard server and client and registers the shard with
 * the driver. It never throws from {@link #init}: an exception there kills the executor and a cluster
 * manager relaunches it in a loop. A failure is reported to the driver instead, which names it; a server that could
 * not bind its address tries again every second (see {@link #start}).
 *
 * <p>Thread-safe: starting (on Spark's thread, then on this plugin's retry thread) and shutting down are
 * serialised on this object's monitor.
 */
public final class PsExecutorPlugin implements ExecutorPlugin {
    private static final Logger LOG = LogManager.getLogger(PsExecutorPlugin.class);

    /** How often a worker reports its clock to the driver at most (the driver's metrics follow runs this closely). */
    private static final long PROGRESS_INTERVAL_MS = 200;

    /** The executor id of local mode, where the executor runs inside the driver JVM. */
    private static final String LOCAL_EXECUTOR = "driver";
    private static final String LOOPBACK = "127.0.0.1";

    /** How often a shard server that could not bind its address tries again. */
    static final long RETRY_MS = 1000;
    /** Failed tries logged once in so many (the first is always logged, and reported to the driver). */
    private static final int LOG_EVERY = 60;

    private ExecutorRuntime runtime;
    private volatile boolean progressFailed;
    private Object envKey;
    private ScheduledExecutorService retries;
    private boolean closed;
    private int failedTries;

    @Override
    public void init(PluginContext ctx, Map<String, String> extraConf) {
        envKey = SparkEnv.get();
        start(ctx);
    }

    /**
     * Starts the shard server and registers it. A failure is reported to the driver; when the address could not be
     * bound (a port in use, which another process may release), this executor tries again every {@link #RETRY_MS}
     * ms on a thread of its own until it succeeds or the executor shuts down.
     */
    private synchronized void start(PluginContext ctx) {
        if (closed || runtime != null) {
            return;
        }
        String executorId = ctx.executorID();
        ShardServer server = null;
        try {
            PsConf conf = PsConf.from(ctx.conf());
            boolean local = LOCAL_EXECUTOR.equals(executorId);
            String host = bindHost(executorId, conf.bindAddress(), () -> executorHost(ctx));
            PsSecurity security = PsSecurity.forSpark(SparkEnv.get().securityManager(), conf);
            if (!local && !security.authenticates()) {
                LOG.warn("executor {}: spark.authenticate is off, so the parameter server's shard on {} accepts "
                        + "reads and writes from anyone who can reach it; set spark.authenticate=true on a shared "
                        + "network", executorId, host);
            }
            server = ShardServer.start("shard on executor " + executorId, conf, host, security, ctx.metricRegistry());
            // In local mode the id is assigned after this executor starts; by the first run it is there.
            org.apache.spark.SparkConf sparkConf = ctx.conf();
            server.applicationId(() -> sparkConf.get("spark.app.id", "unnamed-application"));
            PsClient client = new PsClient("executor " + executorId, conf, security);
            client.clockListener(new ProgressReports(p -> sendProgress(ctx, p), System::nanoTime,
                    PROGRESS_INTERVAL_MS));
            runtime = new ExecutorRuntime(executorId, server, client);
            Runtimes.putExecutor(envKey, runtime);
            ctx.ask(RegisterShard.up(executorId, host, server.address().getPort()));
            if (failedTries > 0) {
                LOG.info("executor {}: the parameter server started after {} failed tries", executorId, failedTries);
            }
        } catch (Throwable t) {
            if (server != null && runtime == null) {
                server.close();
            }
            boolean retrying = bindFailure(t);
            failedTries++;
            if (failedTries == 1 || failedTries % LOG_EVERY == 0) {
                LOG.error("executor {}: the parameter server did not start{}", executorId, retrying
                        ? " (try " + failedTries + "; trying again every " + RETRY_MS + " ms)" : "", t);
            }
            if (failedTries == 1) {
                try {
                    ctx.send(RegisterShard.failed(executorId, t.toString(), retrying));
                } catch (Exception e) {
                    LOG.error("executor {}: could not tell the driver that the parameter server failed", executorId, e);
                }
            }
            if (retrying) {
                // The failed server registered its metrics already; the next one registers them again.
                ctx.metricRegistry().removeMatching((metric, value) -> metric.startsWith("shard."));
                retries().schedule(() -> start(ctx), RETRY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Whether {@code t} was caused by an address that could not be bound (in use, or not yet available). */
    static boolean bindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private ScheduledExecutorService retries() {
        if (retries == null) {
            retries = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "petuum-shard-start");
                thread.setDaemon(true);
                return thread;
            });
        }
        return retries;
    }

    /**
     * Where the shard listens: the configured address, else loopback in local mode (every client is in this JVM, so
     * nothing needs to reach the shard from the network), else the address Spark uses for this executor.
     */
    static String bindHost(String executorId, String configured, java.util.function.Supplier<String> executorHost) {
        if (configured != null) {
            return configured;
        }
        return LOCAL_EXECUTOR.equals(executorId) ? LOOPBACK : executorHost.get();
    }

    /** Progress is for metrics only: a report that cannot be sent is logged once and never fails a worker. */
    private void sendProgress(PluginContext ctx, WorkerProgress p) {
        try {
            ctx.send(p);
        } catch (Exception e) {
            if (!progressFailed) {
                progressFailed = true;
                LOG.warn("executor {}: cannot report worker progress to the driver ({}); driver metrics of worker "
                        + "clocks will lag", ctx.executorID(), e.toString());
            }
        }
    }

    /**
     * The address Spark uses for this executor. {@code PluginContext.hostname()} throws on real executors
     * (Spark 3.5 to 4.2), so ask the block manager first.
     */
    private static String executorHost(PluginContext ctx) {
        try {
            return SparkEnv.get().blockManager().blockManagerId().host();
        } catch (RuntimeException e) {
            try {
                return ctx.hostname();
            } catch (RuntimeException e2) {
                return org.apache.spark.util.Utils.localHostName();
            }
        }
    }

    @Override
    public synchronized void shutdown() {
        closed = true;
        if (retries != null) {
            retries.shutdownNow();
        }
        if (runtime != null) {
            Runtimes.removeExecutor(envKey, runtime);
            runtime.close();
        }
    }
}
