package org.petuum.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.petuum.ps.PetuumPlugin;
import org.petuum.ps.PsContext;

/**
 * The Spark sessions of this module's tests. One {@code local-cluster[2,1,1024]} session (two executor JVMs, each
 * with its own shard server) is shared by every test class of the test JVM, since starting one costs ~10 s; it is
 * stopped when the JVM exits. Tests that need another configuration start their own and stop it.
 */
public final class TestSpark {
    private static SparkSession cluster;

    private TestSpark() {
    }

    /** The shared two-executor session, started on first use, with the parameter server ready. */
    public static synchronized SparkSession cluster() {
        if (cluster == null || cluster.sparkContext().isStopped()) {
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
            cluster = SparkSession.builder().master("local-cluster[2,1,1024]").appName("mllib-adapters-tests")
                    .config("spark.plugins", PetuumPlugin.class.getName())
                    .config("spark.ui.enabled", "false")
                    .config("spark.executor.memory", "768m")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
            PsContext.get(cluster);
            SparkSession started = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-test-spark"));
        }
        return cluster;
    }

    /** A data set of {@code ../shared/data}; the test is skipped, saying so, when the folder is absent. */
    public static Path data(String relative) {
        Path dir = Paths.get(System.getProperty("petuum.data.dir", "../../shared/data"));
        Path p = dir.resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "data set not found (skipping): " + p.toAbsolutePath());
        return p;
    }
}
