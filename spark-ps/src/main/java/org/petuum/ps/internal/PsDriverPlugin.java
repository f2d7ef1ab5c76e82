package org.petuum.ps.internal;

import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.petuum.ps.PsConf;
import org.petuum.ps.metrics.DriverMetrics;
import org.petuum.ps.security.PsSecurity;

/**
 * The driver half of the plugin: starts the {@link DriverRuntime}, follows executors as they come and go,
 * and takes the executors' shard registrations. An invalid {@code spark.petuum.*} setting fails the
 * SparkContext here, naming the key.
 */
public final class PsDriverPlugin implements DriverPlugin {
    private static final Logger LOG = LogManager.getLogger(PsDriverPlugin.class);
    private DriverRuntime runtime;
    private SparkContext sc;

    @Override
    public Map<String, String> init(SparkContext sc, PluginContext ctx) {
        PsConf conf = PsConf.from(sc.conf());
        if (sc.isLocal()) {
            // Barrier tasks run in this JVM; Spark 3.5 would leave a non-daemon timer thread behind them.
            BarrierTimer.makeDaemon();
        }
        if (conf.checkpointNotice() != null) {
            LOG.warn(conf.checkpointNotice());
        }
        runtime = new DriverRuntime(conf, PsSecurity.forSpark(sc.env().securityManager(), conf));
        runtime.metrics(new DriverMetrics(ctx.metricRegistry()));
        DriverRuntime rt = runtime;
        sc.addSparkListener(new SparkListener() {
            @Override
            public void onExecutorAdded(SparkListenerExecutorAdded e) {
                rt.executorAdded(e.executorId(), e.executorInfo().totalCores());
            }

            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                rt.executorRemoved(e.executorId());
            }
        });
        Runtimes.putDriver(sc, runtime);
        this.sc = sc;
        return Map.of();
    }

    @Override
    public Object receive(Object message) {
        if (message instanceof RegisterShard r) {
            runtime.register(r);
            return "ok";
        }
        if (message instanceof WorkerProgress p) {
            runtime.workerProgress(p.runId(), p.worker(), p.clock(), p.bounds());
            return null;
        }

        throw new IllegalArgumentException("unexpected plugin message " + message);
    }

    @Override
    public void shutdown() {
        if (runtime != null) {
            Runtimes.removeDriver(sc, runtime);
            runtime.close();
        }
    }
}
