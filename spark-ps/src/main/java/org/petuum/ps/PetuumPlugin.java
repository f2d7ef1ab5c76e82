package org.petuum.ps;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;
import org.petuum.ps.internal.PsDriverPlugin;
import org.petuum.ps.internal.PsExecutorPlugin;

/**
 * The Spark plugin that runs the parameter server: enable it with
 * {@code --conf spark.plugins=org.petuum.ps.PetuumPlugin}. Every executor JVM then serves one shard and
 * registers it with the driver; {@link PsContext#get} reaches them.
 */
public final class PetuumPlugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
        return new PsDriverPlugin();
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new PsExecutorPlugin();
    }
}
