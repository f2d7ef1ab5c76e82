package org.petuum.examples.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Application jars to {@link StandaloneCluster#submit submit}. */
public final class AppJars {

  /** System property (set by the Failsafe configuration) holding the path of the module's shaded jar. */
  public static final String SHADED_JAR_PROPERTY = "petuum.app.jar";

  private AppJars() {
  }

  /**
   * The module's shaded application jar, as named by the {@value #SHADED_JAR_PROPERTY} system property.
   *
   * @throws IllegalStateException if the property is unset or the file is missing (run {@code mvn verify},
   *     which packages the jar before the integration tests)
   */
  public static Path shaded() {
    String value = System.getProperty(SHADED_JAR_PROPERTY);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + SHADED_JAR_PROPERTY + " is not set (expected: the path"
          + " of the shaded jar; Failsafe sets it)");
    }
    Path jar = Path.of(value);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(SHADED_JAR_PROPERTY + "=" + jar + " does not exist (expected: the shaded"
          + " jar built in the package phase, before integration-test)");
    }
    return jar;
  }

  /**
   * Writes a jar holding the compiled class files of {@code classes} and of their nested, inner and anonymous
   * classes ({@code Name$*.class}), read from the directory each class was loaded from (e.g.
   * {@code target/test-classes}).
   *
   * @throws IllegalArgumentException if a class was not loaded from a directory
   */
  public static Path fromClasses(Path jar, Class<?>... classes) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    Files.createDirectories(jar.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
      for (Class<?> type : classes) {
        Path root = classRoot(type);
        for (Path file : classFiles(root, type)) {
          String entryName = root.relativize(file).toString().replace(root.getFileSystem().getSeparator(), "/");
          jarOut.putNextEntry(new JarEntry(entryName));
          Files.copy(file, jarOut);
          jarOut.closeEntry();
        }
      }
    }
    return jar;
  }

  private static Path classRoot(Class<?> type) {
    try {
      Path root = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isDirectory(root)) {
        throw new IllegalArgumentException(type.getName() + " was loaded from " + root
            + " (expected: a directory of class files)");
      }
      return root;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot locate the class files of " + type.getName(), e);
    }
  }

  private static List<Path> classFiles(Path root, Class<?> type) throws IOException {
    String binaryName = type.getName();
    int lastDot = binaryName.lastIndexOf('.');
    Path packageDir = lastDot < 0 ? root : root.resolve(binaryName.substring(0, lastDot).replace('.', '/'));
    String simple = binaryName.substring(lastDot + 1);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(packageDir)) {
      entries.filter(file -> {
        String name = file.getFileName().toString();
        return name.equals(simple + ".class") || (name.startsWith(simple + "$") && name.endsWith(".class"));
      }).sorted().forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no class file for " + binaryName + " in " + packageDir);
    }
    return files;
  }
}
