package org.petuum.examples.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One JVM started by {@link StandaloneCluster}: its process, where its output goes, and how to stop it together
 * with every process it started (a Spark Worker starts the executor JVMs).
 *
 * <p>Output always goes to files, never to pipes, so a child can never block on a full pipe buffer and its
 * output survives for post-mortem reading.
 */
final class ChildJvm {

  private static final int TAIL_LINES = 40;

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ChildJvm(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code command} with exactly {@code environment} (nothing inherited that is not in it).
   *
   * @param stderr where standard error goes; {@code null} merges it into {@code stdout}
   */
  static ChildJvm start(String name, List<String> command, Map<String, String> environment, Path workingDir,
      Path stdout, Path stderr) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.redirectOutput(ProcessBuilder.Redirect.to(stdout.toFile()));
    if (stderr == null) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
    }
    Process process = builder.start();
    return new ChildJvm(name, process, stdout, stderr == null ? stdout : stderr);
  }

  static Path javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  String name() {
    return name;
  }

  Process process() {
    return process;
  }

  Path stdout() {
    return stdout;
  }

  Path stderr() {
    return stderr;
  }

  /** {@code name (pid N, running)} or {@code name (pid N, exit code C)}, for error messages. */
  String describe() {
    String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
    return name + " (pid " + process.pid() + ", " + state + ")";
  }

  /** The last lines of the error output (the whole log for merged output), or a note why it can't be read. */
  String tailOfLog() {
    return describeTail(stderr);
  }

  static String describeTail(Path file) {
    try {
      List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
      List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
      return "last " + tail.size() + " of " + lines.size() + " lines of " + file + ":\n  "
          + String.join("\n  ", tail);
    } catch (IOException e) {
      return "log " + file + " unreadable: " + e;
    }
  }

  /**
   * Stops the given processes and all their descendants: a polite {@code destroy} first, then, for whatever is
   * still alive after {@code grace}, {@code destroyForcibly}. Never throws; safe to call from a shutdown hook.
   */
  static void stopAll(Collection<ChildJvm> children, Duration grace) {
    // Descendants must be collected before their parent dies: afterwards they are re-parented and invisible.
    Set<ProcessHandle> handles = new LinkedHashSet<>();
    for (ChildJvm child : children) {
      ProcessHandle handle = child.process.toHandle();
      handle.descendants().forEach(handles::add);
      handles.add(handle);
    }
    handles.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    List<ProcessHandle> survivors = new ArrayList<>();
    for (ProcessHandle handle : handles) {
      long remaining = deadline - System.nanoTime();
      try {
        if (remaining > 0) {
          handle.onExit().get(remaining, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // Timed out (or could not wait): handled below by force.
      }
      if (handle.isAlive()) {
        survivors.add(handle);
      }
    }
    survivors.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle handle : survivors) {
      try {
        handle.onExit().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // Nothing more can be done for a process that ignores SIGKILL.
      }
    }
  }
}
