package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
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
import org.petuum.ps.client.PsClient;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.TableSpec;

/**
 * {@code spark.authenticate=true} on {@code local-cluster[2,1,1024]}: the plugin's servers and clients in two
 * executor JVMs and the driver prove to each other that they hold the application's secret, a run gives exact
 * sums, and a client without the secret is refused by every shard.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AuthenticatedClusterTest {
    private static SparkSession spark;
    private static JavaSparkContext jsc;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("AuthenticatedClusterTest")
                .config("spark.authenticate", "true")
                .config("spark.authenticate.secret", Base64.getEncoder().encodeToString(secret))
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
                .getOrCreate();
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps = PsContext.get(spark);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void everyCellEqualsTheExactSumOfAllWorkersIncrementsAcrossTwoAuthenticatedJvms() {
        int rows = 16;
        int clocks = 6;
        int incsPerClock = 20;
        ps.createTable(TableSpec.dense("auth-dense", rows, 2).staleness(1));
        JavaRDD<Integer> data = jsc.parallelize(List.of(0, 1), 2);
        List<String> where = ps.runWorkers(data, (worker, it) -> {
            PsTable t = worker.table("auth-dense");
            for (int c = 0; c < clocks; c++) {
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < incsPerClock; k++) {
                        t.inc(r, worker.id(), 1.0);
                    }
                }
                worker.clock();
            }
            return SparkEnv.get().executorId() + "@" + ProcessHandle.current().pid();
        });
        assertEquals(2, new TreeSet<>(where).size(), "workers ran in one JVM: " + where);
        for (String w : where) {
            assertNotEquals("driver", w.substring(0, w.indexOf('@')));
        }

        double[][] d = ps.readDense("auth-dense");
        for (int r = 0; r < rows; r++) {
            assertEquals(clocks * incsPerClock, d[r][0], "row " + r + " col 0");
            assertEquals(clocks * incsPerClock, d[r][1], "row " + r + " col 1");
        }
        ps.dropTable("auth-dense");
    }

    @Test
    void clientWithoutTheApplicationsSecretIsRefusedByEveryShard() {
        assertEquals(2, ps.shards().size(), ps.shards().toString());
        PsConf conf = PsConf.defaults();
        try (PsClient outsider = new PsClient("outsider", conf);
             PsClient guesser = new PsClient("guesser", conf, PsSecurity.of("not-the-secret", conf))) {
            for (ShardAddress shard : ps.shards()) {
                PsException none = assertThrows(PsException.class, () -> outsider.connection(shard));
                assertTrue(none.getMessage().contains("requires authentication"), none.getMessage());
                PsException wrong = assertThrows(PsException.class, () -> guesser.connection(shard));
                assertTrue(wrong.getMessage().contains("authentication failed"), wrong.getMessage());
            }
        }
    }
}
