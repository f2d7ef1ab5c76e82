package org.petuum.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ml.clustering.KMeans;
import org.petuum.ml.clustering.KMeansModel;
import org.petuum.ps.PetuumPlugin;

/**
 * A user's program that fits an estimator in local mode and returns from {@code main} ends by itself: it runs in a
 * child JVM with this test JVM's class path and module flags.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ProgramExitTest {

    @Test
    void aProgramThatFitsAnEstimatorExitsWhenMainReturns(@TempDir Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-XX:+IgnoreUnrecognized") || arg.startsWith("-Djdk.")
                    || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")) {
                command.add(arg);
            }
        }
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FittingProgram.class.getName());
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(180, TimeUnit.SECONDS);
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("main returned but the JVM was still running after 180 s; its output:\n" + output);
        }
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("centres 2"), output);
    }

    /** What a user writes: a local session, a fit, {@code stop()}, and {@code main} returns. */
    public static final class FittingProgram {
        public static void main(String[] args) {
            SparkSession spark = PetuumPlugin.sessionBuilder("fitting-program", "local[2]")
                    .config("spark.ui.enabled", "false").getOrCreate();
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                rows.add(RowFactory.create(Vectors.dense(i % 2 == 0 ? 0.0 : 10.0, i * 0.01)));
            }
            StructType schema = new StructType().add("features", SQLDataTypes.VectorType());
            Dataset<Row> data = spark.createDataFrame(rows, schema);
            KMeansModel model = new KMeans().setK(2).setSeed(1).fit(data);
            System.out.println("centres " + model.clusterCenters().length);
            spark.stop();
        }
    }
}
