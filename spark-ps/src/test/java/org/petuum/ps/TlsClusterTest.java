package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ps.server.TestKeyStores;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.TableSpec;

/**
 * TLS with host-name checks (the default) and authentication on {@code local-cluster[2,1,1024]}: the shards'
 * certificate names this machine's host name and addresses, the executors' shards and clients talk over TLS with
 * channel-bound proofs, rows of an eager-push (ESSP) table are pushed and installed, and a run gives exact sums.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsClusterTest {
    @TempDir
    static Path dir;
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;
    private static Path keyStore;
    private static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        keyStore = TestKeyStores.keyStore(dir, "cluster", String.join(",", localNames()));
        trustStore = TestKeyStores.trustStore(dir, "cluster-trust", keyStore);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("TlsClusterTest")
                .config("spark.authenticate", "true")
                .config("spark.authenticate.secret", Base64.getEncoder().encodeToString(secret))
                .config(PsConf.SSL_ENABLED, "true")
                .config(PsConf.SSL_KEY_STORE, keyStore.toString())
                .config(PsConf.SSL_KEY_STORE_PASSWORD, TestKeyStores.PASSWORD)
                .config(PsConf.SSL_TRUST_STORE, trustStore.toString())
                .config(PsConf.SSL_TRUST_STORE_PASSWORD, TestKeyStores.PASSWORD)
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
                .getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps = PsContext.get(spark);
    }

    /** {@code dns:localhost}, {@code dns:<host name>}, {@code ip:<each IPv4 address>}: what an executor may advertise. */
    private static List<String> localNames() throws Exception {
        Set<String> names = new LinkedHashSet<>(List.of("dns:localhost",
                "dns:" + InetAddress.getLocalHost().getHostName(), "ip:127.0.0.1"));
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    names.add("ip:" + a.getHostAddress());
                }
            }
        }
        return List.copyOf(names);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void eagerPushRunOverTlsGivesExactSums() {
        int rows = 8;
        int clocks = 5;
        ps.createTable(TableSpec.dense("tls-essp", rows, 2).consistency(Consistency.essp(1)));
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        List<String> where = ps.runWorkers(data, (worker, it) -> {
            PsTable t = worker.table("tls-essp");
            for (int c = 0; c < clocks; c++) {
                for (int r = 0; r < rows; r++) {
                    t.get(r);
                    t.inc(r, worker.id(), 1.0);
                }
                worker.clock();
            }
            return SparkEnv.get().executorId();
        });
        assertEquals(2, new TreeSet<>(where).size(), "workers ran in one executor: " + where);
        double[][] d = ps.readDense("tls-essp");
        for (int r = 0; r < rows; r++) {
            assertEquals(clocks, d[r][0], "row " + r + " col 0");
            assertEquals(clocks, d[r][1], "row " + r + " col 1");
        }
        ps.dropTable("tls-essp");
    }

    @Test
    void clientThatTrustsTheCertificateButLacksTheSecretIsRefused() {
        PsConf conf = PsConf.from(Map.of(PsConf.SSL_ENABLED, "true",
                PsConf.SSL_KEY_STORE, keyStore.toString(), PsConf.SSL_KEY_STORE_PASSWORD, TestKeyStores.PASSWORD,
                PsConf.SSL_TRUST_STORE, trustStore.toString(),
                PsConf.SSL_TRUST_STORE_PASSWORD, TestKeyStores.PASSWORD));
        assertEquals(2, ps.shards().size(), ps.shards().toString());
        try (PsClient guesser = new PsClient("guesser", conf, PsSecurity.of("not-the-secret", conf))) {
            for (ShardAddress shard : ps.shards()) {
                PsException wrong = assertThrows(PsException.class, () -> guesser.connection(shard));
                assertTrue(wrong.getMessage().contains("authentication failed"), wrong.getMessage());
            }
        }
    }
}
