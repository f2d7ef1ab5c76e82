package org.petuum.ps;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;
import org.petuum.ps.internal.PsDriverPlugin;
import org.petuum.ps.internal.PsExecutorPlugin;

/**
 * The Spark plugin that runs the parameter server: enable it with
 * {@code --conf spark.plugins=org.petuum.ps.PetuumPlugin}. Every executor JVM then serves one shard and
 * registers it with the driver; {@link PsContext#get} reaches them.
 */
public final class PetuumPlugin implements SparkPlugin {

    /**
     * A session builder with this plugin added to whatever {@code spark.plugins} are configured, on
     * {@code master} if given, else the master {@code spark-submit} set, else {@code local[*]} (the parameter
     * server then runs inside this JVM), and without Spark's console progress bar.
     */
    public static org.apache.spark.sql.SparkSession.Builder sessionBuilder(String appName, String master) {
        org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf();
        org.apache.spark.sql.SparkSession.Builder b = org.apache.spark.sql.SparkSession.builder().appName(appName);
        if (master != null) {
            b.master(master);
        } else if (!conf.contains("spark.master")) {
            b.master("local[*]");
        }
        String plugins = conf.get("spark.plugins", "");
        if (!java.util.Arrays.asList(plugins.split("\\s*,\\s*")).contains(PetuumPlugin.class.getName())) {
            b.config("spark.plugins", plugins.isBlank() ? PetuumPlugin.class.getName()
                    : plugins + "," + PetuumPlugin.class.getName());
        }
        if (!conf.contains("spark.ui.showConsoleProgress")) {
            b.config("spark.ui.showConsoleProgress", "false");
        }
        return b;
    }
    @Override
    public DriverPlugin driverPlugin() {
        return new PsDriverPlugin();
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new PsExecutorPlugin();
    }
}
