package org.petuum.ps;

import java.io.Serializable;

/**
 * Where one shard server listens, and which executor runs it.
 *
 * @param index      the shard's position in the layout: it holds rows {@code r} with {@code r mod n == index}
 * @param executorId the Spark executor that runs it ("driver" in local mode)
 * @param host       its address
 * @param port       its port
 */
public record ShardAddress(int index, String executorId, String host, int port) implements Serializable {
    @Override
    public String toString() {
        return "shard " + index + " on executor " + executorId + " (" + host + ":" + port + ")";
    }
}
