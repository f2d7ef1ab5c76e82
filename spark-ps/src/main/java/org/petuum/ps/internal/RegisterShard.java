package org.petuum.ps.internal;

import java.io.Serializable;

/**
 * Sent by an executor's plugin to the driver's: the executor's shard server is up at {@code host:port}, or
 * could not start ({@code error} says why; {@code retrying}: the executor keeps trying, as after a port in use).
 */
public record RegisterShard(String executorId, String host, int port, String error, boolean retrying)
        implements Serializable {
    public static RegisterShard up(String executorId, String host, int port) {
        return new RegisterShard(executorId, host, port, null, false);
    }

    public static RegisterShard failed(String executorId, String error, boolean retrying) {
        return new RegisterShard(executorId, null, -1, error, retrying);
    }
}
