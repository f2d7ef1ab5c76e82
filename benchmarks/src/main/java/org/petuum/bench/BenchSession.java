package org.petuum.bench;

import org.apache.spark.sql.SparkSession;
import org.petuum.ps.PetuumPlugin;

/** Builds the one Spark session a benchmark runs every system in. */
public final class BenchSession {

    private BenchSession() {
    }

    /**
     * A session on {@code master}, else the master spark-submit gave, else {@code local[*]}; always with the
     * parameter-server plugin added to whatever plugins are configured, and without the console progress bar
     * (it would interleave with the benchmark's own lines).
     */
    public static SparkSession create(String appName, String master) {
        return PetuumPlugin.sessionBuilder(appName, master).getOrCreate();
    }
}
