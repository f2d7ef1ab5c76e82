package org.petuum.examples.cluster;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A real Spark standalone cluster on the loopback interface (one Master, one Worker, each in its own JVM) and
 * applications submitted to it exactly as {@code spark-submit} submits them, by running
 * {@code org.apache.spark.deploy.SparkSubmit} in a driver JVM ({@code --deploy-mode client}).
 *
 * <p>Every process runs from a {@code SPARK_HOME} assembled from the Spark jars on the test classpath (see
 * {@link SparkHome}); nothing of the test classpath reaches the cluster except Spark itself, so an application
 * sees only its own jar plus Spark, as on a real installation.
 *
 * <p>Lifecycle: {@link #StandaloneCluster(Path) construct} (lays out the directory), {@link #start} once, then
 * any number of {@link #submit} calls, then {@link #close}. Everything lives in the given directory:
 * {@code spark-home/}, {@code work/} (the Worker's work dir, where executor logs land as
 * {@code work/app-*}{@code /<executor id>/stderr}), {@code local/} (Spark scratch space) and {@code logs/} (the
 * output of every JVM started here). The directory is left in place; delete it (or let JUnit's {@code @TempDir}
 * do it) after {@link #close}.
 *
 * <p>Every wait is bounded. A process that exits or a wait that times out raises {@link IllegalStateException}
 * naming what was waited for, the process and the tail of its log.
 *
 * <p>Threading: not thread-safe; one test thread drives an instance. The only other thread is a JVM shutdown
 * hook that stops the child processes if the test JVM exits without {@link #close} (the child list is a
 * concurrent list for that hook's sake). Never calls {@code System.exit}.
 */
public final class StandaloneCluster implements AutoCloseable {

  /** Bound on each start-up wait (Master web UI up, Worker registered). */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
  private static final String LOOPBACK = "127.0.0.1";
  private static final String DAEMON_HEAP = "-Xmx512m";
  private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[mMgG]");
  /**
   * A worker entry of the Master's JSON. Only workers have a {@code state} of {@code ALIVE} (applications and
   * drivers use other names; the Master's own {@code ALIVE} is under {@code status}), so no JSON library is
   * needed: the Jackson jars of a Maven-resolved Spark classpath do not always match each other.
   */
  private static final Pattern ALIVE_WORKER = Pattern.compile("\"state\"\\s*:\\s*\"ALIVE\"");

  private final Path dir;
  private final Path logs;
  private final Path work;
  private final SparkHome sparkHome;
  private final Map<String, String> environment;
  private final List<String> javaModuleOptions;
  private final List<ChildJvm> children = new CopyOnWriteArrayList<>();
  private final Thread shutdownHook;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

  private int masterPort = -1;
  private int masterWebUiPort = -1;
  private int submissions;
  private boolean closed;

  /**
   * Lays out {@code dir} (creating it if needed) and links the Spark jars of the test classpath into
   * {@code dir/spark-home/jars}. Starts nothing.
   */
  public StandaloneCluster(Path dir) throws IOException {
    this(dir, SparkHome.testClasspath());
  }

  /**
   * Like {@link #StandaloneCluster(Path)}, but takes the Spark jars from {@code classpath} (filtered the same way)
   * instead of the test classpath, e.g. from a folder filled with only Spark's own dependencies.
   */
  public StandaloneCluster(Path dir, List<Path> classpath) throws IOException {
    this.dir = Files.createDirectories(dir).toAbsolutePath();
    this.logs = Files.createDirectories(this.dir.resolve("logs"));
    this.work = Files.createDirectories(this.dir.resolve("work"));
    Path local = Files.createDirectories(this.dir.resolve("local"));
    this.sparkHome = SparkHome.create(this.dir.resolve("spark-home"), classpath);
    this.environment = childEnvironment(sparkHome.home(), local);
    this.javaModuleOptions = List.of(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+"));
    this.shutdownHook = new Thread(() -> ChildJvm.stopAll(children, STOP_GRACE), "standalone-cluster-stopper");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the Master, waits until its web UI answers, starts one Worker offering {@code workerCores} cores and
   * {@code workerMemory} (Spark memory syntax, e.g. {@code 3g}) and waits until the Master lists it ALIVE.
   * Blocks for at most {@link #START_TIMEOUT} per step.
   *
   * @throws IllegalStateException if called twice or after {@link #close}, or if a process exits or a wait times
   *     out (the cluster's processes are then left for {@link #close} to stop)
   */
  public void start(int workerCores, String workerMemory) throws IOException, InterruptedException {
    if (workerCores < 1) {
      throw new IllegalArgumentException("workerCores : " + workerCores + " (expected: >= 1)");
    }
    if (workerMemory == null || !MEMORY.matcher(workerMemory).matches()) {
      throw new IllegalArgumentException("workerMemory : " + workerMemory + " (expected: like 512m or 3g)");
    }
    checkOpen();
    if (masterPort != -1) {
      throw new IllegalStateException("cluster already started: master=" + masterUrl());
    }
    masterPort = freePort();
    masterWebUiPort = freePort();
    int workerWebUiPort = freePort();

    ChildJvm master = startDaemon("master", "org.apache.spark.deploy.master.Master",
        List.of("--host", LOOPBACK, "--port", Integer.toString(masterPort),
            "--webui-port", Integer.toString(masterWebUiPort)));
    awaitCondition("master web UI at " + masterJsonUri(), master, START_TIMEOUT, () -> masterState() != null);

    ChildJvm worker = startDaemon("worker", "org.apache.spark.deploy.worker.Worker",
        List.of("--host", LOOPBACK, "--cores", Integer.toString(workerCores), "--memory", workerMemory,
            "--webui-port", Integer.toString(workerWebUiPort), "--work-dir", work.toString(), masterUrl()));
    awaitCondition("one ALIVE worker listed by the master at " + masterJsonUri(), worker, START_TIMEOUT,
        () -> aliveWorkers() == 1);
  }

  /**
   * Runs {@code spark-submit --master <this cluster> --deploy-mode client --class mainClass [--conf k=v]...
   * appJar args...} in a new driver JVM and waits for it to exit.
   *
   * <p>The driver JVM gets {@code -Xmx} from {@code spark.driver.memory} (default {@code 1g}), Spark's Java module
   * options, {@code spark.driver.extraJavaOptions} (split on white space; quoting is not supported) and
   * {@code spark.driver.extraClassPath}, as Spark's launcher would. Unless {@code conf} says otherwise the
   * driver's web UI is disabled ({@code spark.ui.enabled=false}) so that concurrent test runs never contend for
   * port 4040.
   *
   * @param timeout bound on the whole run; when it passes, the driver and its descendants are killed
   * @throws IllegalStateException if the cluster is not started, or the run exceeds {@code timeout}
   */
  public SubmitResult submit(String mainClass, Path appJar, Map<String, String> conf, List<String> args,
      Duration timeout) throws IOException, InterruptedException {
    checkOpen();
    if (masterPort == -1) {
      throw new IllegalStateException("cluster not started: call start(cores, memory) before submit " + mainClass);
    }
    if (!Files.isRegularFile(appJar)) {
      throw new IllegalArgumentException("appJar : " + appJar + " (expected: an existing jar file)");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.ui.enabled", "false");
    settings.putAll(conf);

    List<String> command = new ArrayList<>();
    command.add(ChildJvm.javaExecutable().toString());
    command.add("-Xmx" + settings.getOrDefault("spark.driver.memory", "1g"));
    command.addAll(javaModuleOptions);
    String extraJavaOptions = settings.getOrDefault("spark.driver.extraJavaOptions", "").trim();
    if (!extraJavaOptions.isEmpty()) {
      command.addAll(List.of(extraJavaOptions.split("\\s+")));
    }
    String extraClassPath = settings.get("spark.driver.extraClassPath");
    command.add("-cp");
    command.add(extraClassPath == null ? sparkHome.classpath()
        : extraClassPath + File.pathSeparator + sparkHome.classpath());
    command.add("org.apache.spark.deploy.SparkSubmit");
    command.addAll(List.of("--master", masterUrl(), "--deploy-mode", "client", "--class", mainClass));
    settings.forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
    command.add(appJar.toAbsolutePath().toString());
    command.addAll(args);

    String label = "submit-" + (++submissions) + "-" + mainClass.substring(mainClass.lastIndexOf('.') + 1);
    Set<Path> appsBefore = applicationDirs();
    ChildJvm driver = ChildJvm.start("driver of " + mainClass, command, environment, dir,
        logs.resolve(label + ".out"), logs.resolve(label + ".err"));
    children.add(driver);
    try {
      if (!driver.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ChildJvm.stopAll(List.of(driver), STOP_GRACE);
        throw new IllegalStateException("application " + mainClass + " did not finish within "
            + timeout.toSeconds() + " s; killed " + driver.describe() + "; " + driver.tailOfLog());
      }
    } finally {
      if (driver.process().isAlive()) {
        ChildJvm.stopAll(List.of(driver), STOP_GRACE); // interrupted: never leave a driver behind
      }
      children.remove(driver);
    }
    return new SubmitResult(mainClass, driver.process().exitValue(), readText(driver.stdout()),
        readText(driver.stderr()), executorLogs(appsBefore));
  }

  /** {@code spark://127.0.0.1:<port>}; only valid after {@link #start}. */
  public String masterUrl() {
    return "spark://" + LOOPBACK + ":" + masterPort;
  }

  /** The Master's web UI; only valid after {@link #start}. */
  public URI masterWebUi() {
    return URI.create("http://" + LOOPBACK + ":" + masterWebUiPort + "/");
  }

  /** The assembled Spark installation ({@code jars/}, {@code conf/}). */
  public Path sparkHome() {
    return sparkHome.home();
  }

  /** The Worker's work dir: {@code app-*}{@code /<executor id>/{stdout,stderr}} for every application. */
  public Path workDir() {
    return work;
  }

  /** Where the output of the Master, the Worker and every driver goes. */
  public Path logDir() {
    return logs;
  }

  /**
   * Stops every process started here (drivers, Worker with its executors, Master) with their descendants:
   * {@code destroy}, up to 10 s of grace, then {@code destroyForcibly}. Idempotent; never throws.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ChildJvm> newestFirst = new ArrayList<>(children);
    Collections.reverse(newestFirst);
    ChildJvm.stopAll(newestFirst, STOP_GRACE);
    children.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook does the same work and is harmless.
    }
  }

  private ChildJvm startDaemon(String name, String mainClass, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.javaExecutable().toString());
    command.add(DAEMON_HEAP);
    command.addAll(javaModuleOptions);
    // Fail fast on a taken port rather than silently moving to the next one, which the harness can't see.
    command.add("-Dspark.port.maxRetries=0");
    command.add("-cp");
    command.add(sparkHome.classpath());
    command.add(mainClass);
    command.addAll(args);
    ChildJvm child = ChildJvm.start(name, command, environment, dir, logs.resolve(name + ".log"), null);
    children.add(child);
    return child;
  }

  /** Polls {@code condition} until it holds, {@code process} exits, or {@code timeout} passes. */
  private static void awaitCondition(String what, ChildJvm process, Duration timeout, Check condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.holds()) {
        return;
      }
      if (!process.process().isAlive()) {
        throw new IllegalStateException(process.describe() + " exited while waiting for " + what + "; "
            + process.tailOfLog());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what
            + "; " + process.describe() + "; " + process.tailOfLog());
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws InterruptedException;
  }

  private URI masterJsonUri() {
    return URI.create("http://" + LOOPBACK + ":" + masterWebUiPort + "/json/");
  }

  /** The Master's JSON state, or {@code null} while it doesn't answer. */
  private String masterState() throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(masterJsonUri()).timeout(HTTP_TIMEOUT).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null; // not listening yet
    }
  }

  private int aliveWorkers() throws InterruptedException {
    String state = masterState();
    int alive = 0;
    if (state != null) {
      Matcher matcher = ALIVE_WORKER.matcher(state);
      while (matcher.find()) {
        alive++;
      }
    }
    return alive;
  }

  private Set<Path> applicationDirs() throws IOException {
    try (Stream<Path> entries = Files.list(work)) {
      return new HashSet<>(entries.filter(isApplicationDir()).toList());
    }
  }

  private List<Path> executorLogs(Set<Path> appsBefore) throws IOException {
    List<Path> executorLogs = new ArrayList<>();
    for (Path app : applicationDirs()) {
      if (appsBefore.contains(app)) {
        continue;
      }
      try (Stream<Path> executors = Files.list(app)) {
        executors.map(executor -> executor.resolve("stderr")).filter(Files::isRegularFile)
            .forEach(executorLogs::add);
      }
    }
    executorLogs.sort(null);
    return executorLogs;
  }

  private static Predicate<Path> isApplicationDir() {
    return path -> Files.isDirectory(path) && path.getFileName().toString().startsWith("app-");
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cluster in " + dir + " already closed");
    }
  }

  private static Map<String, String> childEnvironment(Path sparkHome, Path localDirs) {
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    // Whatever Spark settings the test JVM carries (SPARK_TESTING, SPARK_CONF_DIR, ...) would change how the
    // cluster behaves; a real installation has only its own.
    env.keySet().removeIf(key -> key.startsWith("SPARK_"));
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", scalaBinaryVersion());
    env.put("SPARK_LOCAL_IP", LOOPBACK);
    env.put("SPARK_LOCAL_DIRS", localDirs.toString());
    return env;
  }

  /** {@code 2.12} or {@code 2.13}: the Scala line of the Spark jars on the classpath. */
  private static String scalaBinaryVersion() {
    String full = scala.util.Properties.versionNumberString();
    String[] parts = full.split("\\.");
    if (parts.length < 2) {
      throw new IllegalStateException("unexpected Scala version " + full + " (expected: like 2.12.18)");
    }
    return parts[0] + "." + parts[1];
  }

  /** A port that was free on the loopback interface a moment ago (the socket is closed before returning). */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static String readText(Path file) throws IOException {
    // Decoding leniently: a stray byte in a log must not hide the result.
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
