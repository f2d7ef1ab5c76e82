package org.petuum.ps.internal;

import java.io.Serializable;
import java.util.List;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ssp.TableRef;

/**
 * What every worker of one run needs to know, shipped to the tasks inside the closure (and, after a
 * recovery, returned by the driver with a new run id, start clock and layout).
 *
 * @param appId         the Spark application (for messages)
 * @param runId         the id of this attempt of the run: shards reject flushes of any other
 * @param numWorkers    the number of workers (= partitions)
 * @param shards        the shard layout, by index
 * @param tables        every table that exists when the run starts
 * @param conf          timeouts and limits
 * @param originalRunId the id of the run's first attempt: names the run across recoveries
 * @param checkpointDir where this run's checkpoints go; empty when checkpoints are off
 * @param startClock    the clock the workers start at (0, or the clock of the checkpoint restored)
 */
public record RunPlan(String appId, long runId, int numWorkers, List<ShardAddress> shards, List<TableRef> tables,
                      PsConf conf, long originalRunId, String checkpointDir, int startClock) implements Serializable {
    public RunPlan {
        shards = List.copyOf(shards);
        tables = List.copyOf(tables);
    }

    /** A run from clock 0 without checkpoints. */
    public RunPlan(String appId, long runId, int numWorkers, List<ShardAddress> shards, List<TableRef> tables,
                   PsConf conf) {
        this(appId, runId, numWorkers, shards, tables, conf, runId, "", 0);
    }

    public boolean recoverable() {
        return !checkpointDir.isEmpty();
    }
}
