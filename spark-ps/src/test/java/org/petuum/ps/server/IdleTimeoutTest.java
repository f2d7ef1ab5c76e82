package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsWorker;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * A server closes connections that stay silent ({@link PsConf#IDLE_TIMEOUT}) or never finish their handshake
 * ({@link PsConf#CONNECT_TIMEOUT}), with short timeouts configured for the test.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleTimeoutTest {
    private static final long HANDSHAKE_MS = 300;
    private static final long IDLE_MS = 1_000;
    /** How much earlier than its timeout a close may be seen: the server's clock starts at its last read. */
    private static final long SLACK_MS = 150;
    private static final PsConf SERVER_CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, HANDSHAKE_MS + "ms",
            PsConf.READ_TIMEOUT, "200ms",
            PsConf.IDLE_TIMEOUT, IDLE_MS + "ms"));
    /** The clients wait longer: only the server's timeouts are under test. */
    private static final PsConf CLIENT_CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s"));

    private ShardServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void greetedConnectionThatStaysSilentIsClosedAfterTheIdleTimeout() throws Exception {
        server = ShardServer.start("shard", SERVER_CONF, "127.0.0.1");
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.greet();
            long start = System.nanoTime();

            peer.assertClosedByServer();

            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= IDLE_MS - SLACK_MS, "closed after " + waited + " ms, before the idle timeout");
        }
    }

    @Test
    void connectionThatKeepsSendingStaysOpenPastTheIdleTimeout() throws Exception {
        server = ShardServer.start("shard", SERVER_CONF, "127.0.0.1");
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.greet();
            long start = System.nanoTime();
            long id = 2;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2 * IDLE_MS)) {
                Thread.sleep(IDLE_MS / 4);
                peer.send(new ReadRange(id, 99, 0, 1)); // an unknown table: answered with an error
                ErrorResponse answer = assertInstanceOf(ErrorResponse.class, peer.receive());
                assertEquals(id++, answer.requestId(), answer.toString());
            }
            peer.assertClosedByServer(); // once it stops sending
        }
    }

    @Test
    void connectionThatSendsNothingIsClosedAfterTheConnectTimeout() throws Exception {
        server = ShardServer.start("shard", SERVER_CONF, "127.0.0.1");
        try (RawPeer peer = new RawPeer(server.address())) {
            long start = System.nanoTime();

            peer.assertClosedByServer();

            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited >= HANDSHAKE_MS - SLACK_MS && waited < IDLE_MS,
                    "closed after " + waited + " ms (expected about the connect timeout, " + HANDSHAKE_MS + " ms)");
        }
    }

    @Test
    void connectionThatSaysHelloButNeverAuthenticatesIsClosedAfterTheConnectTimeout() throws Exception {
        server = ShardServer.start("shard", SERVER_CONF, "127.0.0.1", PsSecurity.of("idle-test-secret", SERVER_CONF));
        try (RawPeer peer = new RawPeer(server.address())) {
            long start = System.nanoTime();
            peer.helloExpectingChallenge();

            peer.assertClosedByServer();

            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited < IDLE_MS, "closed after " + waited + " ms (expected about the connect timeout, "
                    + HANDSHAKE_MS + " ms)");
        }
    }

    @Test
    void clientReconnectsAfterTheServerClosedItsIdleConnection() throws Exception {
        server = ShardServer.start("shard", SERVER_CONF, "127.0.0.1");
        ShardAddress address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
        try (PsClient client = new PsClient("client", CLIENT_CONF)) {
            ShardConnection first = client.connection(address);
            assertInstanceOf(Ack.class, PsClient.await(first.send(seq -> new CreateTable(seq, 0,
                    TableSpec.dense("w", 1, 1), 0, 1)).answer(), 5_000, () -> "shard"));
            awaitClosed(first);

            ShardConnection second = client.connection(address);

            assertNotSame(first, second);
            Message read = PsClient.await(second.send(seq -> new ReadRange(seq, 0, 0, 1)).answer(), 5_000,
                    () -> "shard");
            assertInstanceOf(Rows.class, read, "the table outlives the connection that created it");
        }
    }

    @Test
    void workerWhoseClockOutlastsTheIdleTimeoutCarriesOnOverANewConnection() throws Exception {
        server = ShardServer.start("shard", SERVER_CONF, "127.0.0.1");
        ShardAddress address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
        TableRef table = new TableRef(0, TableSpec.dense("w", 1, 1).staleness(0));
        try (PsClient client = new PsClient("executor", CLIENT_CONF)) {
            ShardConnection first = client.connection(address);
            assertInstanceOf(Ack.class, PsClient.await(first.send(seq -> new CreateTable(seq, 0, table.spec(), 0, 1))
                    .answer(), 5_000, () -> "shard"));
            assertInstanceOf(Ack.class, PsClient.await(first.send(seq -> new BeginRun(seq, 1, 1, 0, 1)).answer(),
                    5_000, () -> "shard"));
            RunPlan plan = new RunPlan("test", 1, 1, List.of(address), List.of(table), CLIENT_CONF);
            try (PsWorker worker = new PsWorker(client, plan, 0)) {
                PsTable t = worker.table("w");
                t.inc(0, 0, 1);
                worker.clock();
                awaitClosed(first); // a clock longer than the idle timeout

                t.inc(0, 0, 2);
                worker.clock();

                assertEquals(3.0, t.get(0)[0]);
            }
        }
    }

    @Test
    void idleTimeoutNotLongerThanTheReadTimeoutIsRefusedNamingBothKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PsConf.from(Map.of(
                PsConf.READ_TIMEOUT, "5min", PsConf.IDLE_TIMEOUT, "5min")));
        assertTrue(e.getMessage().contains(PsConf.IDLE_TIMEOUT) && e.getMessage().contains(PsConf.READ_TIMEOUT),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PsConf.from(Map.of(PsConf.IDLE_TIMEOUT, "soon")));
    }

    private static void awaitClosed(ShardConnection c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MS + 5_000);
        while (c.isActive()) {
            assertTrue(System.nanoTime() < deadline, "the idle connection was never closed");
            Thread.sleep(10);
        }
    }
}
