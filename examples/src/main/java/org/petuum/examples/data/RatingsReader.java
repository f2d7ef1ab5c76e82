package org.petuum.examples.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a ratings file: one rating per line, {@code user item rating [timestamp]}.
 *
 * <p>The fields of a line are separated by {@code ::} (MovieLens {@code ratings.dat}), a tab, a comma, or runs of
 * spaces; the separator is chosen for each line, in that order of preference, and spaces around fields are ignored.
 * User and item ids are {@code int}s, ratings finite decimal numbers; the timestamp, if present, is not read. Blank
 * lines and lines starting with {@code #} are skipped, and so is a first line whose user and rating fields are not
 * numbers, taken to be a column header such as {@code userId,movieId,rating,timestamp}.
 *
 * <p>Every problem is reported as an {@link InputFormatException} naming the file and line.
 */
public final class RatingsReader {

  private static final String EXPECTED_FORM = "'user item rating [timestamp]' (3 or 4 fields separated by '::', tab, comma or "
      + "spaces)";

  /** Lines echoed in error messages are cut to this many characters. */
  private static final int ECHO_LIMIT = 80;
  /** Up to this many field boundaries are kept; further fields are only counted. */
  private static final int MAX_FIELDS = 4;
  /** Below 2^53, so that a mantissa of this many digits is an exact double. */
  private static final int MAX_PLAIN_DIGITS = 15;
  private static final double[] POWERS_OF_TEN = new double[MAX_PLAIN_DIGITS + 1];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = 10 * POWERS_OF_TEN[i - 1];
    }
  }

  private RatingsReader() {
  }

  /**
   * Reads all ratings of {@code file}, numbering users and items densely in order of first appearance.
   *
   * @throws InputFormatException if the file is missing, a directory, unreadable, holds no rating, or has a line
   *     that is not a rating
   * @throws UncheckedIOException for any other I/O failure
   */
  public static RatingsData read(Path file) {
    if (Files.isDirectory(file)) {
      throw new InputFormatException(file, 0, "is a directory, but a ratings file was expected");
    }
    // Decoding replaces malformed bytes instead of failing: only digits and separators matter, and a stray byte in a
    // comment should not make the file unreadable.
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
      return parse(file, in);
    } catch (NoSuchFileException e) {
      throw new InputFormatException(file, 0, "file not found", e);
    } catch (AccessDeniedException e) {
      throw new InputFormatException(file, 0, "cannot be read: permission denied", e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** Parses already opened input; {@code file} only names it in messages. */
  static RatingsData parse(Path file, BufferedReader in) throws IOException {
    RatingsData.Builder builder = RatingsData.builder();
    LineParser parser = new LineParser(file);
    boolean mayBeHeader = true;
    int lineNumber = 0;
    for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
      lineNumber++;
      if (!LineParser.holdsData(lineNumber, raw)) {
        continue;
      }
      if (parser.parse(lineNumber, raw, mayBeHeader)) {
        builder.add(parser.user(), parser.item(), parser.rating());
      }
      mayBeHeader = false;
    }
    if (builder.size() == 0) {
      throw new InputFormatException(file, 0, "contains no ratings");
    }
    return builder.build();
  }

  /**
   * Parses one line at a time, with the rules and messages of {@link #read}; the parse of the Spark jobs that read
   * ratings files in their tasks. Not thread-safe: one per thread (it reuses its field boundaries and result).
   */
  public static final class LineParser {

    private final Path file;
    private final LineSplitter fields = new LineSplitter();
    private int user;
    private int item;
    private double rating;

    /** @param file names the file in messages only */
    public LineParser(Path file) {
      this.file = file;
    }

    /** Whether line {@code lineNumber} is neither blank nor a {@code #} comment: a rating, a header, or an error. */
    public static boolean holdsData(int lineNumber, String raw) {
      String line = (lineNumber == 1 ? stripByteOrderMark(raw) : raw).trim();
      return !line.isEmpty() && line.charAt(0) != '#';
    }

    /**
     * Parses line {@code lineNumber} (1-based; line 1 may start with a byte order mark).
     *
     * @param mayBeHeader whether this is the file's first line that {@link #holdsData}, the one line that may be a
     *     column header
     * @return {@code true} with {@link #user()}, {@link #item()} and {@link #rating()} set if the line holds a rating;
     *     {@code false} if it is blank, a comment or the header
     * @throws InputFormatException naming the file and line if the line is not a rating
     */
    public boolean parse(int lineNumber, String raw, boolean mayBeHeader) {
      if (!holdsData(lineNumber, raw)) {
        return false;
      }
      String line = (lineNumber == 1 ? stripByteOrderMark(raw) : raw).trim();
      int count = fields.split(line);
      if (count < 3 || count > MAX_FIELDS) {
        throw new InputFormatException(file, lineNumber,
            "expected " + EXPECTED_FORM + " but got " + count + (count == 1 ? " field: " : " fields: ")
                + echo(raw));
      }
      if (mayBeHeader && !fields.startsLikeNumber(line, 0) && !fields.startsLikeNumber(line, 2)) {
        return false;
      }
      user = parseId(file, lineNumber, "user", line, fields, 0);
      item = parseId(file, lineNumber, "item", line, fields, 1);
      rating = parseRating(file, lineNumber, line, fields, 2);
      return true;
    }

    /** The user id of the last line parsed as a rating. */
    public int user() {
      return user;
    }

    /** The item id of the last line parsed as a rating. */
    public int item() {
      return item;
    }

    /** The rating of the last line parsed as a rating. */
    public double rating() {
      return rating;
    }
  }

  private static int parseId(Path file, int lineNumber, String what, String line, LineSplitter fields, int index) {
    try {
      return Integer.parseInt(line, fields.start(index), fields.end(index), 10);
    } catch (NumberFormatException e) {
      throw new InputFormatException(file, lineNumber, what + " id is not an integer in [" + Integer.MIN_VALUE + ", "
          + Integer.MAX_VALUE + "]: " + echo(fields.text(line, index)));
    }
  }

  private static double parseRating(Path file, int lineNumber, String line, LineSplitter fields, int index) {
    double simple = parsePlainDecimal(line, fields.start(index), fields.end(index));
    if (!Double.isNaN(simple)) {
      return simple;
    }
    String field = fields.text(line, index);
    double value;
    try {
      value = Double.parseDouble(field);
    } catch (NumberFormatException e) {
      throw new InputFormatException(file, lineNumber, "rating is not a number: " + echo(field));
    }
    if (!Double.isFinite(value)) {
      throw new InputFormatException(file, lineNumber, "rating must be a finite number but got " + echo(field));
    }
    // Double.parseDouble also takes Java literal forms such as "2d" or "0x1p1", which no ratings file means.
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
        throw new InputFormatException(file, lineNumber, "rating is not a number: " + echo(field));
      }
    }
    return value;
  }

  /**
   * Parses the common form {@code [sign]digits[.digits]} with at most {@value #MAX_PLAIN_DIGITS} digits, and returns
   * NaN for anything else, which then goes to {@link Double#parseDouble}. The result is the correctly rounded double,
   * as {@code Double.parseDouble} gives: mantissa and power of ten are both exact doubles, and IEEE division rounds
   * their exact quotient once.
   */
  static double parsePlainDecimal(String text, int start, int end) {
    int i = start;
    boolean negative = false;
    if (i < end && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int fractionDigits = -1;
    for (; i < end; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > MAX_PLAIN_DIGITS) {
          return Double.NaN;
        }
        mantissa = 10 * mantissa + (c - '0');
        if (fractionDigits >= 0) {
          fractionDigits++;
        }
      } else if (c == '.' && fractionDigits < 0) {
        fractionDigits = 0;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    double value = fractionDigits > 0 ? mantissa / POWERS_OF_TEN[fractionDigits] : mantissa;
    return negative ? -value : value;
  }

  private static String stripByteOrderMark(String line) {
    return !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line;
  }

  /** The text quoted, with control characters escaped, cut to {@value #ECHO_LIMIT} characters. */
  static String echo(String text) {
    boolean cut = text.length() > ECHO_LIMIT;
    String shown = cut ? text.substring(0, ECHO_LIMIT) : text;
    StringBuilder out = new StringBuilder(shown.length() + 8).append('"');
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      switch (c) {
        case '\t' -> out.append("\\t");
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < ' ' || c == '\u007f') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
    if (cut) {
      out.append("… (").append(text.length()).append(" characters)");
    }
    return out.toString();
  }

  /**
   * Finds the field boundaries of one trimmed line without allocating; reused from line to line by one thread.
   */
  private static final class LineSplitter {

    private final int[] starts = new int[MAX_FIELDS];
    private final int[] ends = new int[MAX_FIELDS];

    /**
     * Splits {@code line} and returns the number of fields, which may exceed {@link #MAX_FIELDS}. The bounds of the
     * first fields are then available, without the spaces around them.
     */
    int split(String line) {
      int count;
      if (line.contains("::")) {
        count = splitOn(line, "::");
      } else if (line.indexOf('\t') >= 0) {
        count = splitOn(line, "\t");
      } else if (line.indexOf(',') >= 0) {
        count = splitOn(line, ",");
      } else {
        count = splitOnSpaces(line);
      }
      for (int i = 0; i < Math.min(count, MAX_FIELDS); i++) {
        while (starts[i] < ends[i] && line.charAt(starts[i]) <= ' ') {
          starts[i]++;
        }
        while (ends[i] > starts[i] && line.charAt(ends[i] - 1) <= ' ') {
          ends[i]--;
        }
      }
      return count;
    }

    int start(int index) {
      return starts[index];
    }

    int end(int index) {
      return ends[index];
    }

    String text(String line, int index) {
      return line.substring(starts[index], ends[index]);
    }

    boolean startsLikeNumber(String line, int index) {
      if (starts[index] == ends[index]) {
        return false;
      }
      char c = line.charAt(starts[index]);
      return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
    }

    private int splitOn(String line, String separator) {
      int count = 0;
      int start = 0;
      while (true) {
        int end = line.indexOf(separator, start);
        if (end < 0) {
          record(count++, start, line.length());
          return count;
        }
        record(count++, start, end);
        start = end + separator.length();
      }
    }

    private int splitOnSpaces(String line) {
      // The line is trimmed, so it starts and ends with a non-space and every run of spaces separates two fields.
      int count = 0;
      int i = 0;
      int n = line.length();
      while (i < n) {
        int start = i;
        while (i < n && line.charAt(i) != ' ') {
          i++;
        }
        record(count++, start, i);
        while (i < n && line.charAt(i) == ' ') {
          i++;
        }
      }
      return count;
    }

    private void record(int index, int start, int end) {
      if (index < MAX_FIELDS) {
        starts[index] = start;
        ends[index] = end;
      }
    }
  }
}
