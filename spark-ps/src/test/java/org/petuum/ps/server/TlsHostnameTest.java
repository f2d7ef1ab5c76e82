package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * Host-name checks of TLS ({@link PsConf#SSL_VERIFY_HOSTNAME}): a shard at 127.0.0.1 whose certificate, trusted
 * by the client, names another host only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsHostnameTest {
    private static final long WAIT_MS = 5_000;

    @TempDir
    static Path dir;
    private static Path keyStore;
    private static Path trustStore;

    @BeforeAll
    static void makeStores() throws Exception {
        keyStore = TestKeyStores.keyStore(dir, "elsewhere", "dns:shard.elsewhere.example");
        trustStore = TestKeyStores.trustStore(dir, "trust", keyStore);
    }

    @Test
    void certificateOfAnotherHostIsRefusedByDefault() throws Exception {
        PsConf conf = TestKeyStores.conf(keyStore, trustStore, Map.of());
        PsSecurity security = PsSecurity.of("hostname-test-secret", conf);
        try (ShardServer server = ShardServer.start("tls shard", conf, "127.0.0.1", security);
             PsClient client = new PsClient("tls client", conf, security)) {
            PsException e = assertThrows(PsException.class, () -> client.connection(address(server)));
            assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        }
    }

    @Test
    void certificateOfAnotherHostIsAcceptedWithTheCheckOff() throws Exception {
        PsConf conf = TestKeyStores.conf(keyStore, trustStore, Map.of(PsConf.SSL_VERIFY_HOSTNAME, "false"));
        PsSecurity security = PsSecurity.of("hostname-test-secret", conf);
        try (ShardServer server = ShardServer.start("tls shard", conf, "127.0.0.1", security);
             PsClient client = new PsClient("tls client", conf, security)) {
            assertInstanceOf(Ack.class, PsClient.await(client.connection(address(server)).send(
                    seq -> new CreateTable(seq, 0, TableSpec.dense("w", 1, 1), 0, 1)).answer(), WAIT_MS,
                    () -> "shard"));
        }
    }

    @Test
    void theSettingIsABoolean() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PsConf.from(Map.of(PsConf.SSL_VERIFY_HOSTNAME, "maybe")));
        assertTrue(e.getMessage().contains(PsConf.SSL_VERIFY_HOSTNAME), e.getMessage());
    }

    private static ShardAddress address(ShardServer server) {
        return new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
    }
}
