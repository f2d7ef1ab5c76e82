package org.petuum.ps.internal;

import java.util.Map;
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
 * manager relaunches it in a loop. A failure is reported to the driver instead, which names it.
 */
public final class PsExecutorPlugin implements ExecutorPlugin {
    private static final Logger LOG = LogManager.getLogger(PsExecutorPlugin.class);

    private ExecutorRuntime runtime;
    private Object envKey;

    @Override
    public void init(PluginContext ctx, Map<String, String> extraConf) {
        String executorId = ctx.executorID();
        envKey = SparkEnv.get();
        ShardServer server = null;
        try {
            PsConf conf = PsConf.from(ctx.conf());
            String host = conf.bindAddress() != null ? conf.bindAddress() : executorHost(ctx);
            PsSecurity security = PsSecurity.forSpark(SparkEnv.get().securityManager(), conf);
            server = ShardServer.start("shard on executor " + executorId, conf, host, security);
            runtime = new ExecutorRuntime(executorId, server, new PsClient("executor " + executorId, conf, security));
            Runtimes.putExecutor(envKey, runtime);
            ctx.ask(RegisterShard.up(executorId, host, server.address().getPort()));
        } catch (Throwable t) {
            LOG.error("executor {}: the parameter server did not start", executorId, t);
            if (server != null && runtime == null) {
                server.close();
            }
            try {
                ctx.send(RegisterShard.failed(executorId, t.toString()));
            } catch (Exception e) {
                LOG.error("executor {}: could not tell the driver that the parameter server failed", executorId, e);
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
    public void shutdown() {
        if (runtime != null) {
            Runtimes.removeExecutor(envKey, runtime);
            runtime.close();
        }
    }
}
