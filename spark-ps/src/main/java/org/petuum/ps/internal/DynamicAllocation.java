package org.petuum.ps.internal;

import org.apache.spark.SparkConf;
import org.petuum.ps.PsException;

/**
 * Spark's dynamic allocation and the parameter server: every executor serves a shard of every table, so an executor
 * released while idle (after {@code spark.dynamicAllocation.executorIdleTimeout}, 60 s by default) would take its
 * shard's rows with it, and no replacement would come until Spark wants more executors. It is refused, unless its
 * minimum equals its maximum (then Spark never releases an executor it needs; one lost in a crash is replaced and
 * its shard healed). Local mode ignores dynamic allocation, as Spark does.
 */
public final class DynamicAllocation {
    static final String ENABLED = "spark.dynamicAllocation.enabled";
    static final String MIN = "spark.dynamicAllocation.minExecutors";
    static final String MAX = "spark.dynamicAllocation.maxExecutors";

    private DynamicAllocation() {
    }

    /**
     * @throws PsException naming the keys and how to run, if dynamic allocation may release executors
     */
    public static void refuseReleases(String master, SparkConf conf) {
        if (ShardRegistry.isLocal(master) || !conf.getBoolean(ENABLED, false)) {
            return;
        }
        int min = conf.getInt(MIN, 0);
        String max = conf.get(MAX, "infinity");
        if (min > 0 && max.equals(String.valueOf(min))) {
            return;
        }
        throw new PsException(ENABLED + "=true lets Spark release idle executors between runs, and each executor "
                + "serves a shard of every parameter-server table (" + MIN + "=" + min + ", " + MAX + "=" + max
                + "). Set " + ENABLED + "=false (with spark.executor.instances=N), or keep the executors with "
                + MIN + " = " + MAX + " = N", false);
    }

    /** The executors an application with dynamic allocation that never releases one starts with, or 0. */
    static int fixedExecutors(SparkConf conf) {
        if (!conf.getBoolean(ENABLED, false)) {
            return 0;
        }
        int min = conf.getInt(MIN, 0);
        return String.valueOf(min).equals(conf.get(MAX, "")) ? min : 0;
    }
}
