package org.petuum.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** Proves that {@link StandaloneCluster} runs applications on separate executor JVMs of a real cluster. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {

  private static final Duration APP_TIMEOUT = Duration.ofMinutes(2);

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
  void applicationTasksRunOnTwoExecutorJvms() throws Exception {
    Path appJar = AppJars.fromClasses(dir.resolve("executor-count.jar"), ExecutorCountApp.class);

    SubmitResult result = cluster.submit(ExecutorCountApp.class.getName(), appJar, Map.of(
            "spark.cores.max", "2",
            "spark.executor.cores", "1",
            "spark.executor.memory", "1g",
            // Without these the job may start, and finish, before the second executor registers.
            "spark.scheduler.minRegisteredResourcesRatio", "1.0",
            "spark.scheduler.maxRegisteredResourcesWaitingTime", "60s"),
        List.of(), APP_TIMEOUT);

    assertEquals(0, result.exitCode(), result::describe);
    List<String> executors = splitSingleLine(result, "executors=");
    List<String> pids = splitSingleLine(result, "pids=");
    assertEquals(2, executors.size(), () -> "distinct executor ids " + executors + "; " + result.describe());
    assertFalse(executors.contains("driver"), () -> "a task ran in the driver; " + result.describe());
    assertEquals(2, pids.size(), () -> "distinct executor JVMs " + pids + "; " + result.describe());
    assertFalse(pids.contains(Long.toString(ProcessHandle.current().pid())), "a task ran in the test JVM");

    assertEquals(2, result.executorLogs().size(), () -> "executor logs " + result.executorLogs());
    for (Path log : result.executorLogs()) {
      // The Worker writes the executor's launch command first: proof that a real executor JVM wrote this file.
      String text = SubmitResult.read(log);
      assertTrue(text.startsWith("Spark Executor Command"), () -> log + ":\n" + text);
    }
  }

  @Test
  void applicationClassesComeOnlyFromTheApplicationJar() throws Exception {
    // The main class is on the test classpath but not in this jar: the cluster must not find it.
    Path jarWithoutApp = AppJars.fromClasses(dir.resolve("without-app.jar"), AppJars.class);

    SubmitResult result = cluster.submit(ExecutorCountApp.class.getName(), jarWithoutApp, Map.of(), List.of(),
        APP_TIMEOUT);

    assertNotEquals(0, result.exitCode(), result::describe);
    assertTrue(result.stderr().contains(ExecutorCountApp.class.getName()), result::describe);
    assertTrue(result.executorLogs().isEmpty(), () -> "executor logs " + result.executorLogs());
  }

  private static List<String> splitSingleLine(SubmitResult result, String prefix) {
    List<String> values = result.stdoutValues(prefix);
    assertEquals(1, values.size(), () -> "lines starting with " + prefix + "; " + result.describe());
    return Arrays.stream(values.get(0).split(",")).filter(value -> !value.isEmpty()).toList();
  }
}
