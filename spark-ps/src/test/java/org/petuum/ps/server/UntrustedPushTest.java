package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.AuthChallenge;
import org.petuum.ps.protocol.AuthResponse;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.HelloOk;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.RowPush;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;

/**
 * A client installs pushed rows only from a shard that has completed the handshake, and only rows it read on that
 * connection: a fake shard (a raw socket speaking the protocol) pushes rows before its proof and rows never read.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UntrustedPushTest {
    private static final long RUN = 7;
    private static final long WAIT_MS = 5_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));

    @ParameterizedTest(name = "authentication {0}")
    @ValueSource(booleans = {true, false})
    void onlyRowsReadFromAProvenShardAreInstalled(boolean authenticate) throws Exception {
        PsSecurity security = authenticate ? PsSecurity.of("push-test-secret", CONF) : PsSecurity.none();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             PsClient client = new PsClient("client", CONF, security)) {
            client.enterRun(RUN);
            ShardAddress address = new ShardAddress(0, "exec-0", "127.0.0.1", listener.getLocalPort());
            CompletableFuture<ShardConnection> connecting = CompletableFuture.supplyAsync(
                    () -> client.connection(address));
            try (RawPeer shard = RawPeer.accepted(listener.accept())) {
                Hello hello = assertInstanceOf(Hello.class, shard.receive());
                if (authenticate) {
                    byte[] serverNonce = security.nonce();
                    // Pushed before the client has even answered the challenge, then before the shard's proof.
                    shard.send(push(0, new int[] {1, 2}, 100), new AuthChallenge(hello.requestId(), serverNonce));
                    AuthResponse r = assertInstanceOf(AuthResponse.class, shard.receive());
                    shard.send(push(0, new int[] {1}, 101), new HelloOk(r.requestId(), Message.PROTOCOL_VERSION,
                            "fake shard", security.serverProof(serverNonce, r.clientNonce(), PsSecurity.NO_BINDING)));
                } else {
                    shard.send(push(0, new int[] {1, 2}, 100), push(0, new int[] {1}, 101),
                            new HelloOk(hello.requestId(), Message.PROTOCOL_VERSION, "fake shard"));
                }
                ShardConnection c = PsClient.await(connecting, WAIT_MS, () -> "connecting");
                // Frames of a connection are handled in order: the pushes before HELLO_OK were handled before it.
                assertNull(client.cache().get(0, 1), "a row pushed before the shard completed the handshake");
                assertNull(client.cache().get(0, 2), "a row pushed before the shard completed the handshake");
                assertEquals(3, client.refusedPushRows());

                // The process reads row 1 of table 0 as a pushing table's, and row 3 as a table's that never pushes;
                // the shard then pushes both, a row never read, and another table's.
                ShardConnection.Pending read = c.send(seq -> new GetRows(seq, 0, 0, 0, 0, WAIT_MS, new int[] {1}),
                        true);
                GetRows asked = assertInstanceOf(GetRows.class, shard.receive());
                shard.send(new Rows(asked.requestId(), snapshot(0, new int[] {1}, 1)));
                PsClient.await(read.answer(), WAIT_MS, () -> "the read");
                ShardConnection.Pending plain = c.send(seq -> new GetRows(seq, 0, 0, 0, 0, WAIT_MS, new int[] {3}));
                asked = assertInstanceOf(GetRows.class, shard.receive());
                shard.send(new Rows(asked.requestId(), snapshot(0, new int[] {3}, 1)),
                        push(0, new int[] {1, 2, 3}, 7), push(5, new int[] {1}, 7));
                PsClient.await(plain.answer(), WAIT_MS, () -> "the read");
                // One more round trip: the pushes sent before its answer have been handled when it arrives.
                ShardConnection.Pending ping = c.send(seq -> new GetRows(seq, -1, 0, 0, 0, WAIT_MS, new int[0]));
                shard.send(new Ack(shard.receive().requestId(), true));
                PsClient.await(ping.answer(), WAIT_MS, () -> "the barrier");

                CachedRow row = client.cache().get(0, 1);
                assertNotNull(row, "the row this process read, pushed by the proven shard");
                assertArrayEquals(new double[] {7, 7}, ((DenseRow) row.values()).array());
                assertNull(client.cache().get(0, 2), "a row this process never read");
                assertNull(client.cache().get(0, 3), "a row read as one of a table that never pushes");
                assertNull(client.cache().get(5, 1), "a row of a table this process never read");
                assertEquals(6, client.refusedPushRows());
            }
        }
    }

    /** A push of the current run, at version {@code version}, of rows filled with {@code value}. */
    private static RowPush push(int table, int[] rows, double value) {
        return new RowPush(RUN, 1, snapshot(table, rows, value));
    }

    private static RowsSnapshot snapshot(int table, int[] rows, double value) {
        RowValues[] values = new RowValues[rows.length];
        for (int i = 0; i < rows.length; i++) {
            values[i] = DenseRow.wrap(new double[] {value, value});
        }
        return new RowsSnapshot(table, 3, rows, values);
    }
}
