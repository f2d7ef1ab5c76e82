package org.petuum.examples.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Spark installation assembled from the jars already on the test classpath: {@code jars/} holds a symbolic
 * link to every Spark runtime jar (Spark, Scala, Hadoop client, logging, ...), {@code conf/} a
 * {@code log4j2.properties} that logs warnings only, to standard error.
 *
 * <p>Daemons, drivers and executors all load classes from {@code jars/*}, exactly as with an unpacked Spark
 * distribution, so they never see the test classes or the project's own modules: an application class must come
 * from the application jar or the run fails, as it would for a user.
 */
final class SparkHome {

  private static final String LOG4J2_PROPERTIES = String.join("\n",
      "# Warnings only, so that the logs of every cluster process stay small.",
      "rootLogger.level = warn",
      "rootLogger.appenderRef.console.ref = console",
      "appender.console.type = Console",
      "appender.console.name = console",
      "appender.console.target = SYSTEM_ERR",
      "appender.console.layout.type = PatternLayout",
      "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex",
      "");

  /** Path segments (with '/' separators) of artifacts that are test tooling or the project itself. */
  private static final List<String> EXCLUDED_PATH_SEGMENTS = List.of(
      "/org/junit/", "/org/opentest4j/", "/org/apiguardian/", "/org/apache/maven/surefire/", "/org/petuum/");

  private static final List<String> EXCLUDED_NAME_PARTS = List.of(
      "junit", "opentest4j", "apiguardian", "surefire", "failsafe");

  private final Path home;
  private final int jarCount;

  private SparkHome(Path home, int jarCount) {
    this.home = home;
    this.jarCount = jarCount;
  }

  /**
   * Creates {@code home} with {@code jars/} linked from the Spark runtime entries of {@code classpath} and a
   * {@code conf/} folder.
   *
   * @throws IllegalStateException if the classpath holds no {@code spark-core} jar
   */
  static SparkHome create(Path home, List<Path> classpath) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    Path conf = Files.createDirectories(home.resolve("conf"));
    Files.writeString(conf.resolve("log4j2.properties"), LOG4J2_PROPERTIES, StandardCharsets.UTF_8);

    int linked = 0;
    boolean sparkCore = false;
    for (Path entry : classpath) {
      if (!isSparkRuntimeJar(entry) || !Files.isRegularFile(entry)) {
        continue;
      }
      Path target = entry.toAbsolutePath().normalize();
      String name = target.getFileName().toString();
      sparkCore |= name.startsWith("spark-core_");
      if (link(jars, name, target)) {
        linked++;
      }
    }
    if (!sparkCore) {
      throw new IllegalStateException("no spark-core jar on the test classpath (expected spark-core_<scala>-"
          + "<version>.jar among " + classpath.size() + " entries): " + classpath);
    }
    return new SparkHome(home, linked);
  }

  /** The entries of {@code java.class.path} (Surefire and Failsafe set it to the real test classpath). */
  static List<Path> testClasspath() {
    List<Path> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry));
      }
    }
    return entries;
  }

  /**
   * Whether a classpath entry belongs in {@code $SPARK_HOME/jars}: any {@code .jar} except test tooling (JUnit,
   * opentest4j, apiguardian, Surefire, Failsafe) and the project's own artifacts (group {@code org.petuum} in the
   * local repository, or {@code petuum-*.jar} from a reactor build). Looks at the path only.
   */
  static boolean isSparkRuntimeJar(Path entry) {
    String path = entry.toString().replace(File.separatorChar, '/');
    String name = entry.getFileName() == null ? "" : entry.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".jar") || name.startsWith("petuum-")) {
      return false;
    }
    for (String segment : EXCLUDED_PATH_SEGMENTS) {
      if (path.contains(segment)) {
        return false;
      }
    }
    for (String part : EXCLUDED_NAME_PARTS) {
      if (name.contains(part)) {
        return false;
      }
    }
    return true;
  }

  /** Links {@code target} into {@code jars}; {@code false} if that very file was linked already. */
  private static boolean link(Path jars, String name, Path target) throws IOException {
    // Two artifacts may share a file name (same artifactId and version, different groups): keep both.
    String base = name.substring(0, name.length() - ".jar".length());
    for (int attempt = 0; ; attempt++) {
      Path link = jars.resolve(attempt == 0 ? name : base + "-" + attempt + ".jar");
      try {
        Files.createSymbolicLink(link, target);
        return true;
      } catch (FileAlreadyExistsException e) {
        if (Files.isSameFile(link, target)) {
          return false;
        }
      }
    }
  }

  Path home() {
    return home;
  }

  Path jars() {
    return home.resolve("jars");
  }

  Path conf() {
    return home.resolve("conf");
  }

  int jarCount() {
    return jarCount;
  }

  /** The classpath Spark's own launcher gives every process: the conf folder, then every jar. */
  String classpath() {
    return conf() + File.pathSeparator + jars() + File.separator + "*";
  }
}
