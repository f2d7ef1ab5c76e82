package org.petuum.examples.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An input file that cannot be used as it is: missing, unreadable as a file, or with a line that does not have the
 * expected form. Retrying cannot help; the file has to be fixed or another one given.
 *
 * <p>The message starts with {@code file:line:} (or {@code file:} when the problem is not about one line), the way
 * compilers report errors, so that editors and terminals can jump to the place.
 */
public final class InputFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;

  /**
   * @param file the file as the caller named it; the message shows it in that form
   * @param line the 1-based line number, or 0 when the problem is about the whole file
   * @param problem what was expected and what was found, without the {@code file:line:} prefix
   */
  public InputFormatException(Path file, int line, String problem) {
    this(file, line, problem, null);
  }

  public InputFormatException(Path file, int line, String problem, Throwable cause) {
    super(location(file, line) + ": " + Objects.requireNonNull(problem, "problem"), cause);
    if (line < 0) {
      throw new IllegalArgumentException("line : " + line + " (expected: >= 0)");
    }
    this.file = file;
    this.line = line;
  }

  /** The file as the caller named it. */
  public Path file() {
    return file;
  }

  /** The 1-based line number, or 0 when the problem is about the whole file. */
  public int line() {
    return line;
  }

  private static String location(Path file, int line) {
    String name = Objects.requireNonNull(file, "file").toString();
    return line > 0 ? name + ":" + line : name;
  }
}
