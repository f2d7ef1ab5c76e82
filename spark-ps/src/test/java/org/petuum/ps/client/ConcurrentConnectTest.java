package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.server.ShardServer;
import org.petuum.ssp.TableSpec;

/**
 * Connecting to one shard does not hold up connecting to another: a shard that accepts a connection but never
 * answers the handshake keeps only its own callers waiting, while a connection to a healthy shard is made and used
 * meanwhile. Callers for the same shard share one connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentConnectTest {
    /** Far longer than the test takes with the fix: the dead shard's caller is still waiting when it is checked. */
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "20s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));

    private ShardServer healthy;
    private ShardAddress healthyAddress;
    private PsClient client;
    private ExecutorService threads;

    @BeforeEach
    void start() throws InterruptedException {
        healthy = ShardServer.start("healthy shard", CONF, "127.0.0.1");
        healthyAddress = new ShardAddress(0, "exec-0", "127.0.0.1", healthy.address().getPort());
        client = new PsClient("test client", CONF);
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "connecting threads did not stop");
        client.close();
        healthy.close();
    }

    @Test
    void shardThatNeverAnswersTheHandshakeDoesNotBlockAConnectionToAnother() throws Exception {
        try (ServerSocket dead = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ShardAddress deadAddress = new ShardAddress(1, "exec-1", "127.0.0.1", dead.getLocalPort());
            Future<ShardConnection> stuck = threads.submit(() -> client.connection(deadAddress));
            try (Socket accepted = dead.accept()) {
                // The other thread is now inside connect-and-greet with the dead shard.
                ShardConnection c = client.connection(healthyAddress);
                assertInstanceOf(Ack.class, PsClient.await(c.send(seq -> new CreateTable(seq, 0,
                        TableSpec.dense("w", 1, 1), 0, 1)).answer(), 5_000, () -> "the healthy shard"));
                assertFalse(stuck.isDone(), "the connection to the healthy shard waited for the dead one");
            }
            // The dead shard's connection closed: its caller fails, naming it.
            ExecutionException e = assertThrows(ExecutionException.class, () -> stuck.get(30, TimeUnit.SECONDS));
            PsException cause = assertInstanceOf(PsException.class, e.getCause());
            assertTrue(cause.getMessage().contains(deadAddress.toString()), cause.getMessage());
        }
    }

    @Test
    void callersForTheSameShardShareOneConnection() throws Exception {
        CompletableFuture<Void> go = new CompletableFuture<>();
        List<Future<ShardConnection>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(threads.submit(() -> {
                go.get();
                return client.connection(healthyAddress);
            }));
        }
        go.complete(null);
        ShardConnection first = calls.get(0).get(30, TimeUnit.SECONDS);
        for (Future<ShardConnection> f : calls) {
            assertSame(first, f.get(30, TimeUnit.SECONDS));
        }
    }
}
