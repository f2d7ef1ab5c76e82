package org.petuum.ps;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of the tests that make workers fail: {@code local-cluster[2,1,1024]} (two executor JVMs, each
 * with its own shard server), checkpoints in a test's folder every {@code interval} clocks.
 */
final class CheckpointedCluster {
    private CheckpointedCluster() {
    }

    static SparkSession start(String appName, Path checkpoints, int interval, String readTimeout) {
        return SparkSession.builder().master("local-cluster[2,1,1024]").appName(appName)
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                .config(PsConf.CHECKPOINT_DIR, checkpoints.toUri().toString())
                .config(PsConf.CHECKPOINT_INTERVAL, String.valueOf(interval))
                .config(PsConf.READ_TIMEOUT, readTimeout)
                .getOrCreate();
    }
}
