package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic allocation would release idle executors, and their shards with them: {@code PsContext.get} refuses it
 * with a message naming the keys and how to run, unless its minimum equals its maximum (then no executor is
 * released and the parameter server starts as usual).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DynamicAllocationTest {
    private SparkSession spark;

    @AfterEach
    void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static SparkSession session(String min, String max) {
        return SparkSession.builder().master("local-cluster[1,1,1024]").appName("DynamicAllocationTest")
                .config("spark.plugins", PetuumPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m")
                .config("spark.dynamicAllocation.enabled", "true")
                .config("spark.dynamicAllocation.shuffleTracking.enabled", "true")
                .config("spark.dynamicAllocation.minExecutors", min)
                .config("spark.dynamicAllocation.maxExecutors", max)
                .config(PsConf.REGISTRATION_TIMEOUT, "20s")
                .config(PsConf.CHECKPOINT_ENABLED, "false")
                .getOrCreate();
    }

    @Test
    void dynamicAllocationThatMayReleaseExecutorsIsRefusedNamingTheKeys() {
        spark = session("0", "2");
        PsException e = assertThrows(PsException.class, () -> PsContext.get(spark));
        assertTrue(e.getMessage().contains("spark.dynamicAllocation.enabled=false")
                && e.getMessage().contains("spark.dynamicAllocation.minExecutors")
                && e.getMessage().contains("spark.dynamicAllocation.maxExecutors"), e.getMessage());
    }

    @Test
    void dynamicAllocationWithAsManyExecutorsAtLeastAsAtMostStarts() {
        spark = session("1", "1");
        assertEquals(1, PsContext.get(spark).shards().size());
    }
}
