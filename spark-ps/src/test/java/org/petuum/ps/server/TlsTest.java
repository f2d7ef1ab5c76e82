package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * Shard servers and clients over TLS ({@code spark.petuum.ssl.*}), with a self-signed key pair made by
 * {@code keytool} for this test class.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {
    private static final String PASSWORD = "test-store-password";
    private static final long WAIT_MS = 5_000;

    @TempDir
    static Path dir;
    private static Path keyStore;
    private static Path trustStore;

    @BeforeAll
    static void makeStores() throws Exception {
        keyStore = dir.resolve("shard.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "shard", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=petuum shard", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output;
        try (InputStream out = keytool.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, keytool.exitValue(), "keytool failed: " + output);

        // The trust store holds the shard's certificate only (what the driver and every executor would trust).
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("shard", keys.getCertificate("shard"));
        trustStore = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trusted.store(out, PASSWORD.toCharArray());
        }
    }

    private static PsConf conf(boolean tls, boolean withTrustStore) {
        Map<String, String> m = new HashMap<>(Map.of(
                PsConf.IO_THREADS, "1",
                PsConf.CONNECT_TIMEOUT, "5s",
                PsConf.REQUEST_TIMEOUT, "5s",
                PsConf.READ_TIMEOUT, "5s"));
        if (tls) {
            m.put(PsConf.SSL_ENABLED, "true");
            m.put(PsConf.SSL_KEY_STORE, keyStore.toString());
            m.put(PsConf.SSL_KEY_STORE_PASSWORD, PASSWORD);
            if (withTrustStore) {
                m.put(PsConf.SSL_TRUST_STORE, trustStore.toString());
                m.put(PsConf.SSL_TRUST_STORE_PASSWORD, PASSWORD);
            }
        }
        return PsConf.from(m);
    }

    @ParameterizedTest(name = "authentication {0}")
    @ValueSource(booleans = {false, true})
    void clientOverTlsWritesAndReads(boolean authenticate) throws Exception {
        PsConf conf = conf(true, true);
        PsSecurity security = PsSecurity.of(authenticate ? "tls-test-secret" : null, conf);
        assertTrue(security.encrypts());
        try (ShardServer server = ShardServer.start("tls shard", conf, "127.0.0.1", security);
             PsClient client = new PsClient("tls client", conf, security)) {
            ShardAddress address = address(server);

            assertInstanceOf(Ack.class, call(client, address, seq -> new CreateTable(seq, 0,
                    TableSpec.dense("w", 1, 2), 0, 1)));
            assertInstanceOf(Ack.class, call(client, address, seq -> new PutRows(seq, 0, new int[] {0},
                    new RowValues[] {DenseRow.wrap(new double[] {4, 5})})));
            Rows rows = assertInstanceOf(Rows.class, call(client, address, seq -> new ReadRange(seq, 0, 0, 1)));
            assertArrayEquals(new double[] {4, 5}, ((DenseRow) rows.snapshot().values()[0]).array());
        }
    }

    @Test
    void plainTcpClientIsRejectedByATlsServer() throws Exception {
        PsConf conf = conf(true, true);
        PsSecurity tls = PsSecurity.of(null, conf);
        try (ShardServer server = ShardServer.start("tls shard", conf, "127.0.0.1", tls);
             PsClient plain = new PsClient("plain client", conf(false, false));
             PsClient good = new PsClient("tls client", conf, tls)) {
            assertThrows(PsException.class, () -> plain.connection(address(server)));
            try (RawPeer raw = new RawPeer(server.address())) {
                raw.send(new Hello(1, Message.PROTOCOL_VERSION, "plain raw peer"));
                raw.assertClosedByServer();
            }
            // The server still serves clients that speak TLS.
            assertInstanceOf(Ack.class, call(good, address(server), seq -> new CreateTable(seq, 0,
                    TableSpec.dense("w", 1, 1), 0, 1)));
        }
    }

    @Test
    void tlsClientFailsAgainstAPlainServerNamingTheHandshake() throws Exception {
        PsConf conf = conf(true, true);
        try (ShardServer server = ShardServer.start("plain shard", conf(false, false), "127.0.0.1");
             PsClient client = new PsClient("tls client", conf, PsSecurity.of(null, conf))) {
            PsException e = assertThrows(PsException.class, () -> client.connection(address(server)));
            assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        }
    }

    @Test
    void clientThatDoesNotTrustTheServersCertificateIsRefused() throws Exception {
        PsConf conf = conf(true, true);
        PsConf noTrustStore = conf(true, false); // the JDK's trusted authorities: a self-signed shard is not one
        try (ShardServer server = ShardServer.start("tls shard", conf, "127.0.0.1", PsSecurity.of(null, conf));
             PsClient client = new PsClient("tls client", noTrustStore, PsSecurity.of(null, noTrustStore))) {
            PsException e = assertThrows(PsException.class, () -> client.connection(address(server)));
            assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        }
    }

    @Test
    void tlsSettingsAreValidatedNamingTheKey() throws IOException {
        IllegalArgumentException noStore = assertThrows(IllegalArgumentException.class,
                () -> PsConf.from(Map.of(PsConf.SSL_ENABLED, "true")));
        assertTrue(noStore.getMessage().contains(PsConf.SSL_KEY_STORE), noStore.getMessage());

        IllegalArgumentException notABoolean = assertThrows(IllegalArgumentException.class,
                () -> PsConf.from(Map.of(PsConf.SSL_ENABLED, "yes")));
        assertTrue(notABoolean.getMessage().contains(PsConf.SSL_ENABLED), notABoolean.getMessage());

        IllegalArgumentException oldProtocol = assertThrows(IllegalArgumentException.class,
                () -> PsConf.from(Map.of(PsConf.SSL_PROTOCOL, "SSLv3")));
        assertTrue(oldProtocol.getMessage().contains(PsConf.SSL_PROTOCOL)
                && oldProtocol.getMessage().contains("TLSv1.3"), oldProtocol.getMessage());

        PsConf missing = PsConf.from(Map.of(PsConf.SSL_ENABLED, "true",
                PsConf.SSL_KEY_STORE, dir.resolve("no-such-store.p12").toString()));
        IllegalArgumentException unreadable = assertThrows(IllegalArgumentException.class,
                () -> PsSecurity.of(null, missing));
        assertTrue(unreadable.getMessage().contains(PsConf.SSL_KEY_STORE)
                && unreadable.getMessage().contains("no-such-store.p12"), unreadable.getMessage());

        PsConf wrongPassword = PsConf.from(Map.of(PsConf.SSL_ENABLED, "true",
                PsConf.SSL_KEY_STORE, keyStore.toString(), PsConf.SSL_KEY_STORE_PASSWORD, "not the password"));
        IllegalArgumentException badPassword = assertThrows(IllegalArgumentException.class,
                () -> PsSecurity.of(null, wrongPassword));
        assertTrue(badPassword.getMessage().contains(PsConf.SSL_KEY_STORE), badPassword.getMessage());
    }

    @Test
    void storePasswordsAreNotShippedToTasks() throws Exception {
        PsConf conf = conf(true, true);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(conf);
        }
        assertFalse(new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1).contains(PASSWORD),
                "the serialized PsConf carries a store password");
    }

    private static ShardAddress address(ShardServer server) {
        return new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
    }

    private static Message call(PsClient client, ShardAddress address, LongFunction<Message> request) {
        return PsClient.await(client.connection(address).send(request).answer(), WAIT_MS, () -> "tls shard");
    }
}
