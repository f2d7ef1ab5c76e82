package org.petuum.ps;

import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;

/** Halts one executor JVM of a {@code local-cluster} session between runs, as a crash would (Spark replaces it). */
final class ExecutorHalts {
    private static final long GONE_WITHIN_MS = 30_000;

    private ExecutorHalts() {
    }

    /**
     * Runs one task that halts its executor's JVM shortly after the task has returned, and waits (bounded) until that
     * process is gone.
     *
     * @return the id of the halted executor
     */
    static String haltOne(JavaSparkContext jsc) throws InterruptedException {
        List<String> where = jsc.parallelize(List.of(0), 1).map(i -> {
            Thread halter = new Thread(() -> {
                try {
                    Thread.sleep(300); // let the task's result reach the driver first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(137);
            }, "test-halter");
            halter.setDaemon(true);
            halter.start();
            return SparkEnv.get().executorId() + "@" + ProcessHandle.current().pid();
        }).collect();
        String[] idAndPid = where.get(0).split("@");
        long deadline = System.nanoTime() + GONE_WITHIN_MS * 1_000_000L;
        while (true) {
            Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(idAndPid[1]));
            if (p.isEmpty() || !p.get().isAlive()) {
                return idAndPid[0];
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("executor " + idAndPid[0] + " did not halt within " + GONE_WITHIN_MS
                        + " ms");
            }
            Thread.sleep(20);
        }
    }
}
