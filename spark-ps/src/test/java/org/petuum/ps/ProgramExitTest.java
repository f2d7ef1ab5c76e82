package org.petuum.ps;

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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ssp.TableSpec;

/**
 * A user's program that runs workers in local mode and returns from {@code main} must end: Spark 3.5 leaves a
 * non-daemon barrier timer thread behind barrier tasks run in the driver JVM. The program runs in a child JVM
 * with this test JVM's class path and module flags, and must exit by itself.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ProgramExitTest {

    @Test
    void localModeProgramExitsAfterMainReturns(@TempDir Path dir) throws IOException, InterruptedException {
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
        command.add(ReturningProgram.class.getName());
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(180, TimeUnit.SECONDS);
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("the program returned from main but its JVM was still running after 180 s; its output:\n" + output);
        }
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("sum 60.0"), output);
    }

    /** What a user writes: a local session, a run, a read, {@code stop()}, and {@code main} returns. */
    public static final class ReturningProgram {
        public static void main(String[] args) {
            SparkSession spark = PetuumPlugin.sessionBuilder("returning-program", "local[2]")
                    .config("spark.ui.enabled", "false").getOrCreate();
            PsContext ps = PsContext.get(spark);
            ps.createTable(TableSpec.dense("counts", 1, 1).staleness(1));
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ps.run(jsc.parallelize(List.of(1, 2), 2), 30, (worker, rows, clock) ->
                    worker.table("counts").inc(0, 0, 1.0));
            System.out.println("sum " + ps.readDense("counts")[0][0]);
            spark.stop();
        }
    }
}
