package org.petuum.examples.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkHomeTest {

  private static final String REPO = "/home/user/.m2/repository/";

  @Test
  void keepsSparkAndItsDependencies() {
    assertTrue(SparkHome.isSparkRuntimeJar(
        Path.of(REPO + "org/apache/spark/spark-core_2.12/3.5.9/spark-core_2.12-3.5.9.jar")));
    assertTrue(SparkHome.isSparkRuntimeJar(
        Path.of(REPO + "org/scala-lang/scala-library/2.12.18/scala-library-2.12.18.jar")));
    assertTrue(SparkHome.isSparkRuntimeJar(
        Path.of(REPO + "org/apache/logging/log4j/log4j-core/2.20.0/log4j-core-2.20.0.jar")));
  }

  @Test
  void dropsTestToolingTheProjectAndDirectories() {
    for (String entry : List.of(
        REPO + "org/junit/jupiter/junit-jupiter-api/5.14.4/junit-jupiter-api-5.14.4.jar",
        REPO + "org/opentest4j/opentest4j/1.3.0/opentest4j-1.3.0.jar",
        REPO + "org/apiguardian/apiguardian-api/1.1.2/apiguardian-api-1.1.2.jar",
        REPO + "org/apache/maven/surefire/surefire-booter/3.5.4/surefire-booter-3.5.4.jar",
        "/tmp/surefire123/surefirebooter-456.jar",
        REPO + "org/petuum/petuum-spark-ps/0.1.0-SNAPSHOT/petuum-spark-ps-0.1.0-SNAPSHOT.jar",
        "/build/spark-ps/target/petuum-spark-ps-0.1.0-SNAPSHOT.jar",
        "/build/examples/target/classes",
        "/build/examples/target/test-classes")) {
      assertFalse(SparkHome.isSparkRuntimeJar(Path.of(entry)), entry);
    }
  }

  @Test
  void linksEveryRuntimeJarAndRequiresSparkCore(@TempDir Path dir) throws Exception {
    Path core = Files.createFile(dir.resolve("spark-core_2.12-3.5.9.jar"));
    Path junit = Files.createFile(dir.resolve("junit-jupiter-api-5.14.4.jar"));
    Path classes = Files.createDirectories(dir.resolve("classes"));

    SparkHome home = SparkHome.create(dir.resolve("home"), List.of(core, junit, classes, core));

    assertEquals(1, home.jarCount());
    assertTrue(Files.isSymbolicLink(home.jars().resolve(core.getFileName())));
    assertTrue(Files.isRegularFile(home.conf().resolve("log4j2.properties")));
    assertThrows(IllegalStateException.class, () -> SparkHome.create(dir.resolve("empty"), List.of(junit)));
  }
}
