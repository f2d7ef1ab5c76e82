package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.FrameMutator;
import org.petuum.ps.protocol.RowPush;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.TableSpec;

/**
 * A push that reaches the client in the same read as a malformed frame before it is decoded after the client closed
 * the connection for that frame: it must be dropped, not installed. A fake shard (a raw socket) sends both in one
 * write; a control sends the push behind a well-formed frame, where it must be installed. A round trip on a second
 * connection of the client's only event loop, after the first one closed, orders the check after that read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushBehindMalformedFrameTest {
    private static final long RUN = 11;
    private static final long WAIT_MS = GuardedValue.WAIT_MS;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));

    @ParameterizedTest(name = "behind a malformed frame: {0}")
    @ValueSource(booleans = {true, false})
    void aPushBehindAMalformedFrameIsDroppedAndBehindAGoodOneInstalled(boolean malformed) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ShardServer real = ShardServer.start("real shard", CONF, "127.0.0.1");
             PsClient client = new PsClient("client", CONF)) {
            client.enterRun(RUN);
            ShardAddress fake = new ShardAddress(1, "exec-fake", "127.0.0.1", listener.getLocalPort());
            ShardAddress good = new ShardAddress(0, "exec-0", "127.0.0.1", real.address().getPort());
            GuardedValue.call(client, good, seq -> new CreateTable(seq, 0, TableSpec.dense("guarded", 2, 3), 0, 1),
                    "real shard");
            GuardedValue.call(client, good, seq -> new BeginRun(seq, RUN, 1, 0, 1), "real shard");

            CompletableFuture<ShardConnection> connecting = CompletableFuture.supplyAsync(() -> client.connection(fake));
            ShardConnection c;
            try (RawPeer shard = RawPeer.accepted(listener.accept())) {
                shard.greet("fake shard");
                c = PsClient.await(connecting, WAIT_MS, () -> "connecting to the fake shard");
                // Rows 0 and 1 read: pushes of them are allowed on this connection from now on.
                shard.allowPushes(c, snapshot(new int[] {0, 1}, 1), WAIT_MS);

                byte[] first = FrameMutator.frame(new Ack(99, true));
                if (malformed) {
                    first[FrameLayout.TYPE_OFFSET] = 0x7f; // no such message type
                }
                ByteArrayOutputStream both = new ByteArrayOutputStream();
                both.writeBytes(first);
                both.writeBytes(FrameMutator.frame(new RowPush(RUN, 3, snapshot(new int[] {0}, 7))));
                shard.write(both.toByteArray());
                if (malformed) {
                    awaitClosed(c);
                }
            }
            awaitClosed(c);
            // After the fake shard's connection closed, one round trip on the real shard's connection, served by
            // the same (only) event loop: whatever the read carrying both frames did is done by now.
            GuardedValue.check(client, good, RUN, 0);
            if (malformed) {
                assertNull(client.cache().get(0, 0), "a push behind a malformed frame was installed");
                assertEquals(0, client.cache().size());
            } else {
                assertNotNull(client.cache().get(0, 0), "the control push was not installed: the test sees nothing");
                assertEquals(DenseRow.wrap(new double[] {7, -7}), client.cache().get(0, 0).values());
            }
        }
    }

    private static void awaitClosed(ShardConnection c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (c.isActive()) {
            assertTrue(System.nanoTime() < deadline, "the client kept the fake shard's connection open");
            Thread.sleep(1);
        }
    }

    private static RowsSnapshot snapshot(int[] rows, double value) {
        RowValues[] values = new RowValues[rows.length];
        for (int i = 0; i < rows.length; i++) {
            values[i] = DenseRow.wrap(new double[] {value, -value});
        }
        return new RowsSnapshot(0, 3, rows, values);
    }
}
