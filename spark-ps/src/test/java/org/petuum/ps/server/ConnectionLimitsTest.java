package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * What a peer can make a shard hold before it has proved anything: frames before the handshake completes are
 * limited to {@link FrameLayout#HANDSHAKE_FRAME_BYTES} (the configured limit after it), and at most
 * {@link PsConf#MAX_CONNECTIONS} connections are open at once. The handshake timeout is far longer than a raw
 * peer's read timeout, so a connection closed within the latter was closed for the frame, not the time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitsTest {
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, "64m",
            PsConf.MAX_CONNECTIONS, "3",
            PsConf.CONNECT_TIMEOUT, "60s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));

    private final PsSecurity trusted = PsSecurity.of(randomSecret(), CONF);
    private ShardServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void largeFrameBeforeHelloClosesTheConnectionAtOnce() throws Exception {
        server = ShardServer.start("shard", CONF, "127.0.0.1", trusted);
        try (RawPeer peer = new RawPeer(server.address())) {
            // The smallest length prefix over the limit.
            peer.write(frameHeader(FrameLayout.lengthPrefix(FrameLayout.HANDSHAKE_FRAME_BYTES) + 1));
            peer.assertClosedByServer();
        }
    }

    @Test
    void largeFrameBeforeAuthenticatingClosesTheConnectionAtOnce() throws Exception {
        server = ShardServer.start("shard", CONF, "127.0.0.1", trusted);
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.helloExpectingChallenge();
            peer.write(frameHeader(60 << 20));
            peer.assertClosedByServer();
        }
    }

    @Test
    void afterAuthenticatingFramesUpToTheConfiguredLimitAreServed() throws Exception {
        server = ShardServer.start("shard", CONF, "127.0.0.1", trusted);
        int cols = 100_000; // an 800 KB frame
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.authenticate(trusted);
            peer.send(new CreateTable(3, 0, TableSpec.dense("w", 1, cols), 0, 1));
            assertInstanceOf(Ack.class, peer.receive());
            double[] row = new double[cols];
            row[cols - 1] = 4;
            peer.send(new PutRows(4, 0, new int[] {0}, new RowValues[] {DenseRow.wrap(row)}));
            Message m = peer.receive();
            assertInstanceOf(Ack.class, m);
            assertEquals(4, m.requestId());
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAndAFreedSlotIsUsable() throws Exception {
        server = ShardServer.start("shard", CONF, "127.0.0.1");
        List<RawPeer> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawPeer p = new RawPeer(server.address());
                open.add(p);
                p.greet();
            }
            try (RawPeer extra = new RawPeer(server.address())) {
                extra.assertClosedByServer();
            }
            assertEquals(1, server.refusedConnections());
            open.remove(0).close();
            awaitGreeting();
        } finally {
            for (RawPeer p : open) {
                p.close();
            }
        }
    }

    /** A new connection is greeted once the server has counted a closed one out; bounded by the test's timeout. */
    private void awaitGreeting() throws InterruptedException {
        while (true) {
            try (RawPeer p = new RawPeer(server.address())) {
                p.greet();
                return;
            } catch (IOException e) {
                Thread.sleep(10); // the closed connection's slot is freed on the server's event loop
            }
        }
    }

    /** A length prefix and the first bytes of a body that never follows. */
    private static byte[] frameHeader(int length) {
        return ByteBuffer.allocate(FrameLayout.LENGTH_BYTES + 4).putInt(length).putInt(0).array();
    }

    private static String randomSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
