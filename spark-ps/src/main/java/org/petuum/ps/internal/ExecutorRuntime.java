package org.petuum.ps.internal;

import org.petuum.ps.client.PsClient;
import org.petuum.ps.server.ShardServer;

/**
 * What the plugin runs in one executor JVM: its shard server and the client its tasks share.
 * The executor side's composition root; {@link #close()} stops both.
 */
public final class ExecutorRuntime implements AutoCloseable {
    private final String executorId;
    private final ShardServer server;
    private final PsClient client;

    public ExecutorRuntime(String executorId, ShardServer server, PsClient client) {
        this.executorId = executorId;
        this.server = server;
        this.client = client;
    }

    public String executorId() {
        return executorId;
    }

    public ShardServer server() {
        return server;
    }

    public PsClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
