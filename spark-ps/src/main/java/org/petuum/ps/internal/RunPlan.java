package org.petuum.ps.internal;

import java.io.Serializable;
import java.util.List;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ssp.TableRef;

/**
 * What every worker of one run needs to know, shipped to the tasks inside the closure.
 *
 * @param appId      the Spark application, to find this JVM's client
 * @param runId      the run's id: shards reject flushes of other runs
 * @param numWorkers the number of workers (= partitions)
 * @param shards     the shard layout, by index
 * @param tables     every table that exists when the run starts
 * @param conf       timeouts and limits
 */
public record RunPlan(String appId, long runId, int numWorkers, List<ShardAddress> shards, List<TableRef> tables,
                      PsConf conf) implements Serializable {
    public RunPlan {
        shards = List.copyOf(shards);
        tables = List.copyOf(tables);
    }
}
