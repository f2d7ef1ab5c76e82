package org.petuum.ps.internal;

import java.io.Serializable;

/**
 * Sent by an executor's plugin to the driver's: the executor's shard server is up at {@code host:port}, or
 * could not start ({@code error} says why).
 */
public record RegisterShard(String executorId, String host, int port, String error) implements Serializable {
    public static RegisterShard up(String executorId, String host, int port) {
        return new RegisterShard(executorId, host, port, null);
    }

    public static RegisterShard failed(String executorId, String error) {
        return new RegisterShard(executorId, null, -1, error);
    }
}
