package org.petuum.examples.cluster;

import java.util.List;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A Spark application for {@link StandaloneClusterIT}: runs one job of four tasks and prints on standard output
 * which executors and which executor JVMs ran them, as {@code executors=<sorted distinct ids>} and
 * {@code pids=<sorted distinct process ids>} (comma separated).
 *
 * <p>It sets no master: {@code spark-submit} does. It reaches the executors only through the application jar,
 * because the cluster's classpath holds nothing but Spark.
 */
public final class ExecutorCountApp {

  private ExecutorCountApp() {
  }

  public static void main(String[] args) {
    SparkConf conf = new SparkConf().setAppName("executor-count");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      List<String> ranOn = sc.parallelize(List.of(0, 1, 2, 3), 4)
          .map(ignored -> SparkEnv.get().executorId() + " " + ProcessHandle.current().pid())
          .collect();
      TreeSet<String> executors = new TreeSet<>();
      TreeSet<Long> pids = new TreeSet<>();
      for (String task : ranOn) {
        String[] idAndPid = task.split(" ");
        executors.add(idAndPid[0]);
        pids.add(Long.parseLong(idAndPid[1]));
      }
      System.out.println("executors=" + String.join(",", executors));
      System.out.println("pids=" + String.join(",", pids.stream().map(String::valueOf).toList()));
    }
  }
}
