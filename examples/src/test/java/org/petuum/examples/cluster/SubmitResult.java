package org.petuum.examples.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of one {@link StandaloneCluster#submit application run}.
 *
 * @param mainClass the application's main class, for messages
 * @param exitCode the exit code of the driver JVM (the {@code SparkSubmit} process)
 * @param stdout everything the driver wrote to standard output
 * @param stderr everything the driver wrote to standard error (Spark logs warnings there)
 * @param executorLogs the {@code stderr} file of every executor the cluster launched for this application,
 *     sorted; they stay on disk until the cluster's directory is deleted
 */
public record SubmitResult(String mainClass, int exitCode, String stdout, String stderr, List<Path> executorLogs) {

  public SubmitResult {
    executorLogs = List.copyOf(executorLogs);
  }

  /** The lines of {@link #stdout()} that start with {@code prefix}, with the prefix removed. */
  public List<String> stdoutValues(String prefix) {
    return stdout.lines().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
        .toList();
  }

  /** Reads one executor log; handy in assertion messages. */
  public static String read(Path log) {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read executor log " + log, e);
    }
  }

  /** Exit code, executor count and the driver's output, for assertion messages. */
  public String describe() {
    return mainClass + ": exitCode=" + exitCode + ", executorLogs=" + executorLogs.size()
        + "\n--- driver stdout ---\n" + stdout + "\n--- driver stderr ---\n" + stderr;
  }
}
