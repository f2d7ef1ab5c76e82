package org.petuum.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code petuum mf} submitted with {@code spark-submit} to a real standalone cluster, from the shaded jar users get:
 * one shard server in each of two executor JVMs, training on the Jester ratings to the quality it reaches locally.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MfOnStandaloneClusterIT {

  private static final Duration APP_TIMEOUT = Duration.ofMinutes(3);
  private static final String MAIN_CLASS = "org.petuum.examples.PetuumCli";
  private static final String JESTER = "jester5k/jester5k_ratings.tsv";
  private static final double JESTER_MAX_TEST_RMSE = 4.5;
  private static final Pattern SHARDS = Pattern.compile(
      "^training rank \\d+ on (\\d+) worker\\(s\\) with (\\d+) shard\\(s\\) on executor\\(s\\) \\[([^]]*)]",
      Pattern.MULTILINE);
  private static final Pattern FINAL_TEST_RMSE = Pattern.compile("^final test RMSE (\\S+)$", Pattern.MULTILINE);

  /**
   * The cluster's own log configuration shows warnings only; executors get this one instead, so that the shard
   * server's start-up line (INFO) reaches their logs.
   */
  private static final String EXECUTOR_LOG4J2 = String.join("\n",
      "rootLogger.level = warn",
      "rootLogger.appenderRef.console.ref = console",
      "appender.console.type = Console",
      "appender.console.name = console",
      "appender.console.target = SYSTEM_ERR",
      "appender.console.layout.type = PatternLayout",
      "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex",
      "logger.shard.name = org.petuum.ps.server.ShardServer",
      "logger.shard.level = info",
      "");

  /** Kept when a test fails: the logs of every process are in there. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new StandaloneCluster(dir.resolve("cluster"));
    cluster.start(2, "3g");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void mfOnJesterRunsOneShardPerExecutorAndReachesTheLocalQuality() throws Exception {
    Path jester = jesterFile();
    Path model = dir.resolve("model");
    Path executorLog4j = Files.writeString(dir.resolve("executor-log4j2.properties"), EXECUTOR_LOG4J2,
        StandardCharsets.UTF_8);

    SubmitResult result = cluster.submit(MAIN_CLASS, AppJars.shaded(), Map.of(
            "spark.cores.max", "2",
            "spark.executor.cores", "1",
            "spark.executor.memory", "1g",
            "spark.plugins", "org.petuum.ps.PetuumPlugin",
            "spark.scheduler.minRegisteredResourcesRatio", "1.0",
            "spark.executor.extraJavaOptions", "-Dlog4j2.configurationFile=" + executorLog4j.toUri()),
        List.of("mf", "--input", jester.toString(), "--output", model.toString()), APP_TIMEOUT);

    assertEquals(0, result.exitCode(), result::describe);

    Matcher shards = SHARDS.matcher(result.stdout());
    assertTrue(shards.find(), () -> "no 'training rank ...' line; " + result.describe());
    List<String> executors = Arrays.stream(shards.group(3).split(",")).map(String::strip).toList();
    assertEquals("2", shards.group(1), () -> "workers; " + result.describe());
    assertEquals("2", shards.group(2), () -> "shards; " + result.describe());
    assertEquals(2, new TreeSet<>(executors).size(), () -> "distinct executors " + executors);
    assertFalse(executors.contains("driver"), () -> "a shard ran in the driver; " + result.describe());

    // Each executor's own log says that its shard server started: the shards really live in two executor JVMs.
    assertEquals(2, result.executorLogs().size(), () -> "executor logs " + result.executorLogs());
    TreeSet<String> logged = new TreeSet<>();
    for (Path log : result.executorLogs()) {
      String executorId = log.getParent().getFileName().toString();
      String text = SubmitResult.read(log);
      assertTrue(text.contains("shard on executor " + executorId + ": serving on "),
          () -> "no shard server start-up line in " + log + ":\n" + text);
      logged.add(executorId);
    }
    assertEquals(new TreeSet<>(executors), logged, "executors in the printed layout and in the logs");

    Matcher rmse = FINAL_TEST_RMSE.matcher(result.stdout());
    assertTrue(rmse.find(), () -> "no 'final test RMSE' line; " + result.describe());
    double testRmse = Double.parseDouble(rmse.group(1));
    assertTrue(testRmse <= JESTER_MAX_TEST_RMSE,
        () -> "final test RMSE " + testRmse + " (expected: <= " + JESTER_MAX_TEST_RMSE + ")");

    assertTrue(Files.isRegularFile(model.resolve("model.json")), () -> "no model.json in " + model);
    assertTrue(Files.readString(model.resolve("model.json"), StandardCharsets.UTF_8).contains("\"petuum-mf\""));
    assertTrue(Files.isDirectory(model.resolve("model/data/userFactors")), () -> "no user factors in " + model);
    assertTrue(Files.isDirectory(model.resolve("model/data/itemFactors")), () -> "no item factors in " + model);
  }

  /**
   * The Jester ratings in the shared data folder: system property {@code petuum.data.dir} when the build sets it,
   * else the place the build's own setting points at ({@code <repository>/../shared/data}, the repository being the
   * parent of this module's folder).
   */
  private static Path jesterFile() throws IOException {
    String property = System.getProperty("petuum.data.dir");
    Path dataDir = property != null && !property.isBlank() ? Path.of(property)
        : Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("../../shared/data");
    Path file = dataDir.resolve(JESTER).toAbsolutePath().normalize();
    Assumptions.assumeTrue(Files.isRegularFile(file),
        () -> "no Jester ratings at " + file + " (set petuum.data.dir to the shared data folder); skipping");
    return file.toRealPath();
  }
}
