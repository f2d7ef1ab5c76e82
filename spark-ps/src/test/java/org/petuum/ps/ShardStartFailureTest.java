package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ssp.TableSpec;

/**
 * A shard server that cannot start (its configured port is taken) fails {@code PsContext.get} naming the executor
 * and the cause, every time it is asked; it does not fail {@code get} for the rest of the application: once the
 * port is free, the executor's next try starts the server and {@code get} works.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShardStartFailureTest {
    private SparkSession spark;

    @AfterEach
    void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void aPortInUseFailsGetNamingTheExecutorUntilItIsFreeThenGetAndARunWork() throws Exception {
        ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        int port = taken.getLocalPort();
        try {
            spark = SparkSession.builder().master("local-cluster[1,1,1024]").appName("ShardStartFailureTest")
                    .config("spark.plugins", PetuumPlugin.class.getName())
                    .config("spark.ui.enabled", "false")
                    .config("spark.executor.memory", "768m")
                    .config(PsConf.BIND_ADDRESS, "127.0.0.1")
                    .config(PsConf.PORT, String.valueOf(port))
                    .config(PsConf.REGISTRATION_TIMEOUT, "15s")
                    .config(PsConf.CHECKPOINT_ENABLED, "false")
                    .getOrCreate();
            for (int call = 1; call <= 2; call++) {
                PsException e = assertThrows(PsException.class, () -> PsContext.get(spark));
                assertTrue(e.getMessage().contains("executor 0 could not start its shard server")
                        && e.getMessage().contains("Address already in use"), "call " + call + ": " + e.getMessage());
            }
        } finally {
            taken.close();
        }

        PsContext ps = PsContext.get(spark);
        assertEquals(1, ps.shards().size());
        assertEquals(port, ps.shards().get(0).port());
        ps.createTable(TableSpec.dense("after-start", 2, 1));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ps.runWorkers(jsc.parallelize(List.of(0), 1), (worker, it) -> {
            worker.table("after-start").inc(1, 0, 7);
            worker.clock();
            return 0;
        });
        assertArrayEquals(new double[] {7}, ps.readDense("after-start")[1]);
    }
}
