package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.AuthChallenge;
import org.petuum.ps.protocol.AuthResponse;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.DropTable;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.HelloOk;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * A shard server that authenticates (as with {@code spark.authenticate=true}) on a loopback port: only a
 * client holding the application's secret gets to touch a table, and the client authenticates the server in
 * turn.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AuthTest {
    private static final String SERVER_NAME = "authenticating shard";
    private static final long RUN = 3;
    private static final long WAIT_MS = 5_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));
    private static final double[] ROW_0 = {1, 2, 3};

    private final PsSecurity trusted = PsSecurity.of(randomSecret(), CONF);
    private ShardServer server;
    private PsClient client;
    private ShardAddress address;

    @BeforeEach
    void start() throws InterruptedException {
        server = ShardServer.start(SERVER_NAME, CONF, "127.0.0.1", trusted);
        address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
        client = new PsClient("trusted client", CONF, trusted);
        assertInstanceOf(Ack.class, call(seq -> new CreateTable(seq, 0, TableSpec.dense("w", 2, 3), 0, 1)));
        assertInstanceOf(Ack.class, call(seq -> new BeginRun(seq, RUN, 1, 0, 1)));
        assertInstanceOf(Ack.class, call(seq -> new PutRows(seq, 0, new int[] {0},
                new RowValues[] {DenseRow.wrap(ROW_0.clone())})));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void clientWithTheSecretWritesAndReads() {
        Ack ack = assertInstanceOf(Ack.class, call(seq -> new Flush(seq, RUN, 0, 0,
                List.of(new RowUpdate(0, 0, DenseRow.wrap(new double[] {10, 20, 30}))))));
        assertTrue(ack.applied());

        assertArrayEquals(new double[] {11, 22, 33}, row0());
    }

    @Test
    void clientWithoutASecretIsRefusedAndChangesNothing() {
        try (PsClient anonymous = new PsClient("anonymous client", CONF)) {
            PsException e = assertThrows(PsException.class, () -> anonymous.connection(address));
            assertMentions(e.getMessage(), "requires authentication", "no secret");
            assertFalse(e.retriable(), "no retry can help a client without the secret");
        }
        assertNothingChanged();
    }

    @Test
    void clientWithAWrongSecretIsRefusedAndChangesNothing() {
        try (PsClient impostor = new PsClient("impostor", CONF, PsSecurity.of(randomSecret(), CONF))) {
            PsException e = assertThrows(PsException.class, () -> impostor.connection(address));
            assertMentions(e.getMessage(), SERVER_NAME, "authentication failed");
        }
        assertNothingChanged();
    }

    @Test
    void requestsSentRightAfterHelloWithoutAuthenticatingAreDroppedAndTheConnectionClosed() throws Exception {
        try (RawPeer intruder = new RawPeer(server.address())) {
            // All in one write: the server reads the requests together with the HELLO.
            intruder.send(new Hello(1, Message.PROTOCOL_VERSION, "intruder"), bigFlush(2), new DropTable(3, 0));
            assertInstanceOf(AuthChallenge.class, intruder.receive());
            intruder.assertClosedByServer();
        }
        assertNothingChanged();
    }

    @Test
    void requestSentWithoutHelloIsDroppedAndTheConnectionClosed() throws Exception {
        try (RawPeer intruder = new RawPeer(server.address())) {
            intruder.send(bigFlush(1));
            intruder.assertClosedByServer();
        }
        assertNothingChanged();
    }

    @Test
    void wrongProofIsAnsweredWithAnErrorAndRequestsPipelinedAfterItAreDropped() throws Exception {
        PsSecurity wrong = PsSecurity.of(randomSecret(), CONF);
        try (RawPeer intruder = new RawPeer(server.address())) {
            byte[] serverNonce = intruder.helloExpectingChallenge().serverNonce();
            byte[] clientNonce = wrong.nonce();
            intruder.send(new AuthResponse(2, clientNonce,
                    wrong.clientProof(serverNonce, clientNonce, PsSecurity.NO_BINDING)), bigFlush(3));
            ErrorResponse error = assertInstanceOf(ErrorResponse.class, intruder.receive());
            assertEquals(2, error.requestId());
            assertMentions(error.message(), "authentication failed");
            intruder.assertClosedByServer();
        }
        assertNothingChanged();
    }

    @Test
    void responseReplayedToADifferentChallengeFails() throws Exception {
        AuthResponse recorded;
        try (RawPeer legitimate = new RawPeer(server.address())) {
            recorded = legitimate.authenticate(trusted);
        }
        try (RawPeer replayer = new RawPeer(server.address())) {
            replayer.helloExpectingChallenge();
            replayer.send(recorded, bigFlush(3));
            ErrorResponse error = assertInstanceOf(ErrorResponse.class, replayer.receive());
            assertMentions(error.message(), "authentication failed");
            replayer.assertClosedByServer();
        }
        assertNothingChanged();
    }

    @Test
    void everyChallengeHasAFreshNonce() throws Exception {
        try (RawPeer a = new RawPeer(server.address()); RawPeer b = new RawPeer(server.address())) {
            assertFalse(java.util.Arrays.equals(a.helloExpectingChallenge().serverNonce(),
                    b.helloExpectingChallenge().serverNonce()));
        }
    }

    @Test
    void authenticatedRawPeerIsServed() throws Exception {
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.authenticate(trusted);
            peer.send(new ReadRange(3, 0, 0, 1));
            Rows rows = assertInstanceOf(Rows.class, peer.receive());
            assertEquals(DenseRow.wrap(ROW_0.clone()), rows.snapshot().values()[0]);
        }
    }

    @Test
    void authenticatingClientRefusesAServerThatDoesNotAuthenticate() throws Exception {
        try (ShardServer open = ShardServer.start("open shard", CONF, "127.0.0.1")) {
            ShardAddress openAddress = new ShardAddress(1, "exec-1", "127.0.0.1", open.address().getPort());
            PsException e = assertThrows(PsException.class, () -> client.connection(openAddress));
            assertMentions(e.getMessage(), "exec-1", "did not ask to authenticate");
        }
    }

    @Test
    void authenticatingClientRefusesAServerWhoseProofIsWrong() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Accepts any client proof, as a server without the secret would have to, and cannot prove itself.
            CompletableFuture<Void> played = CompletableFuture.runAsync(() -> {
                try (Socket s = fake.accept(); RawPeer peer = RawPeer.accepted(s)) {
                    Hello hello = assertInstanceOf(Hello.class, peer.receive());
                    peer.send(new AuthChallenge(hello.requestId(), new byte[AuthChallenge.NONCE_BYTES]));
                    AuthResponse response = assertInstanceOf(AuthResponse.class, peer.receive());
                    peer.send(new HelloOk(response.requestId(), Message.PROTOCOL_VERSION, "fake shard",
                            new byte[AuthResponse.PROOF_BYTES]));
                    peer.assertClosedByServer(); // here: closed by the client
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ShardAddress fakeAddress = new ShardAddress(1, "exec-1", "127.0.0.1", fake.getLocalPort());

            PsException e = assertThrows(PsException.class, () -> client.connection(fakeAddress));

            assertMentions(e.getMessage(), "did not prove");
            played.get(WAIT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void secretNeverAppearsInDescriptions() {
        String secret = "do-not-print-me";
        PsSecurity s = PsSecurity.of(secret, CONF);
        assertFalse(s.toString().contains(secret), s.toString());
        assertTrue(s.authenticates());
        assertFalse(PsSecurity.none().authenticates());
        assertThrows(IllegalArgumentException.class, () -> PsSecurity.of("", CONF));
    }

    // ---------------------------------------------------------------- helpers

    /** A flush that, were it applied, would change row 0 of table 0. */
    private static Flush bigFlush(long requestId) {
        return new Flush(requestId, RUN, 0, 0,
                List.of(new RowUpdate(0, 0, DenseRow.wrap(new double[] {1000, 1000, 1000}))));
    }

    /** Row 0 holds what {@link #start} put there and worker 0 can still flush its clock 0. */
    private void assertNothingChanged() {
        assertArrayEquals(ROW_0, row0(), "row 0 after the refused peer");
        assertTrue(assertInstanceOf(Ack.class, call(seq -> new Flush(seq, RUN, 0, 0, List.of()))).applied(),
                "worker 0's clock 0 must not have been flushed by the refused peer");
    }

    private double[] row0() {
        Rows rows = assertInstanceOf(Rows.class, call(seq -> new ReadRange(seq, 0, 0, 1)));
        return ((DenseRow) rows.snapshot().values()[0]).array().clone();
    }

    private Message call(LongFunction<Message> request) {
        return PsClient.await(client.connection(address).send(request).answer(), WAIT_MS, () -> SERVER_NAME);
    }

    private static String randomSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private static void assertMentions(String message, String... facts) {
        for (String fact : facts) {
            assertTrue(message.contains(fact), "'" + message + "' does not mention '" + fact + "'");
        }
    }
}
