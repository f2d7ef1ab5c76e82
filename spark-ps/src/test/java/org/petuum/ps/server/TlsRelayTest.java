package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.TableSpec;

/**
 * The authentication handshake is bound to the TLS session: a relay that terminates TLS with its own key (one the
 * client trusts, as a man in the middle would need) and forwards every byte between a client and the real shard,
 * but knows nothing of the application's secret, cannot get the client authenticated.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsRelayTest {
    private static final String SECRET = "relay-test-secret";
    private static final long WAIT_MS = 5_000;

    @TempDir
    static Path dir;
    private static Path shardKeys;
    private static Path relayKeys;
    private static Path trustBoth;
    private static Path trustShard;

    @BeforeAll
    static void makeStores() throws Exception {
        shardKeys = TestKeyStores.keyStore(dir, "shard", "ip:127.0.0.1");
        relayKeys = TestKeyStores.keyStore(dir, "relay", "ip:127.0.0.1");
        trustBoth = TestKeyStores.trustStore(dir, "trust-both", shardKeys, relayKeys);
        trustShard = TestKeyStores.trustStore(dir, "trust-shard", shardKeys);
    }

    @Test
    void relayTerminatingTlsCannotPassTheHandshakeOn() throws Exception {
        PsConf conf = TestKeyStores.conf(shardKeys, trustBoth, Map.of());
        PsSecurity security = PsSecurity.of(SECRET, conf);
        try (ShardServer server = ShardServer.start("tls shard", conf, "127.0.0.1", security);
             Relay relay = new Relay(TestKeyStores.context(relayKeys, trustShard), server.address());
             PsClient client = new PsClient("tls client", conf, security)) {
            // The same client and shard, face to face, authenticate: what fails below is the relay's doing.
            assertInstanceOf(Ack.class, PsClient.await(client.connection(address(server.address())).send(
                    seq -> new CreateTable(seq, 0, TableSpec.dense("w", 1, 1), 0, 1)).answer(), WAIT_MS,
                    () -> "shard"));

            PsException e = assertThrows(PsException.class, () -> client.connection(address(relay.address())));
            // The shard refused the client's proof, which covered the relay's certificate, not the shard's.
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
            assertTrue(relay.toShard.get() > 0 && relay.toClient.get() > 0,
                    "the relay forwarded the handshake both ways: " + relay.toShard + " and " + relay.toClient
                            + " bytes");
        }
    }

    @Test
    void proofsOfOneBindingDoNotPassUnderAnother() {
        PsSecurity security = PsSecurity.of(SECRET, PsConf.from(Map.of()));
        byte[] s = security.nonce();
        byte[] c = security.nonce();
        byte[] shardCertificate = new byte[PsSecurity.BINDING_BYTES];
        byte[] relayCertificate = new byte[PsSecurity.BINDING_BYTES];
        relayCertificate[0] = 1;
        // The client's check of the shard's proof: made over the shard's certificate, checked over the relay's.
        assertFalse(security.isServerProof(security.serverProof(s, c, shardCertificate), s, c, relayCertificate));
        assertFalse(security.isClientProof(security.clientProof(s, c, relayCertificate), s, c, shardCertificate));
        assertFalse(security.isClientProof(security.clientProof(s, c, PsSecurity.NO_BINDING), s, c,
                shardCertificate));
        assertTrue(security.isServerProof(security.serverProof(s, c, shardCertificate), s, c, shardCertificate.clone()));
        assertArrayEquals(security.clientProof(s, c, shardCertificate), security.clientProof(s, c, shardCertificate));
    }

    private static ShardAddress address(InetSocketAddress a) {
        return new ShardAddress(0, "exec-0", "127.0.0.1", a.getPort());
    }

    /**
     * A man in the middle: accepts TLS with its own key, opens TLS to the shard, and copies bytes both ways
     * unchanged, counting them.
     */
    private static final class Relay implements AutoCloseable {
        final AtomicLong toShard = new AtomicLong();
        final AtomicLong toClient = new AtomicLong();
        private final SSLServerSocket listener;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        Relay(SSLContext ctx, InetSocketAddress shard) throws IOException {
            listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 8,
                    InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket fromClient = listener.accept();
                        SSLSocket toShardSocket = (SSLSocket) ctx.getSocketFactory().createSocket(
                                shard.getAddress(), shard.getPort());
                        sockets.add(fromClient);
                        sockets.add(toShardSocket);
                        pump(fromClient, toShardSocket, toShard);
                        pump(toShardSocket, fromClient, toClient);
                    }
                } catch (IOException e) {
                    // Closed by close(): the relay stops.
                }
            }, "relay acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", listener.getLocalPort());
        }

        private static void pump(Socket from, Socket to, AtomicLong count) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buf)) != -1; ) {
                        out.write(buf, 0, n);
                        out.flush();
                        count.addAndGet(n);
                    }
                } catch (IOException e) {
                    // One side closed: so does the other below.
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "relay pump");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // Already closed.
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                closeQuietly(s);
            }
        }
    }
}
