package org.petuum.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class RatingsReaderTest {

  private static final String EXPECTED_FORM = "expected 'user item rating [timestamp]' (3 or 4 fields separated by "
      + "'::', tab, comma or spaces)";

  @TempDir
  Path dir;

  @Test
  void readsMovieLensDoubleColonLinesWithTimestamps() throws IOException {
    RatingsData data = read("ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");

    assertRatings(data, new int[] {0, 0, 1}, new int[] {0, 1, 0}, new double[] {5, 3, 4});
    assertEquals(2, data.numUsers());
    assertEquals(2, data.numItems());
    assertEquals(1193, data.originalItemId(0));
    assertEquals(661, data.originalItemId(1));
  }

  @Test
  void readsTabSeparatedLines() throws IOException {
    RatingsData data = read("ratings.tsv", "1\t1\t-1.6\n1\t2\t-3.54\n2\t2\t4.17 \n");

    assertRatings(data, new int[] {0, 0, 1}, new int[] {0, 1, 1}, new double[] {-1.6, -3.54, 4.17});
  }

  @Test
  void readsCommaSeparatedLinesWithSpacesAroundFieldsAndSkipsAHeader() throws IOException {
    RatingsData data = read("ratings.csv", "userId,movieId,rating,timestamp\n7, 3, 2.5, 1\n 8 ,3,0.5\n");

    assertRatings(data, new int[] {0, 1}, new int[] {0, 0}, new double[] {2.5, 0.5});
    assertEquals(7, data.originalUserId(0));
    assertEquals(8, data.originalUserId(1));
  }

  @Test
  void readsLinesSeparatedByRunsOfSpaces() throws IOException {
    RatingsData data = read("ratings.txt", "  10   20 3.5\n11 20     -2e-1   99\n");

    assertRatings(data, new int[] {0, 1}, new int[] {0, 0}, new double[] {3.5, -0.2});
  }

  @Test
  void detectsTheSeparatorForEachLine() throws IOException {
    RatingsData data = read("mixed.txt", "1::2::3\n1\t3\t4\n2,2,5\n2 3 6\n");

    assertRatings(data, new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}, new double[] {3, 4, 5, 6});
  }

  @Test
  void skipsBlankLinesCommentsAndAByteOrderMark() throws IOException {
    RatingsData data = read("ratings.tsv", "\uFEFF# a comment\n\n   \n  # indented comment\n5\t6\t1.0\n\n");

    assertRatings(data, new int[] {0}, new int[] {0}, new double[] {1.0});
  }

  @Test
  void numbersUsersAndItemsInOrderOfFirstAppearanceKeepingNegativeIds() throws IOException {
    RatingsData data = read("ratings.tsv", "-5\t100\t1\n42\t-100\t2\n-5\t-100\t3\n" + Integer.MAX_VALUE + "\t"
        + Integer.MIN_VALUE + "\t4\n");

    assertRatings(data, new int[] {0, 1, 0, 2}, new int[] {0, 1, 1, 2}, new double[] {1, 2, 3, 4});
    assertEquals(-5, data.originalUserId(0));
    assertEquals(42, data.originalUserId(1));
    assertEquals(Integer.MAX_VALUE, data.originalUserId(2));
    assertEquals(-100, data.originalItemId(1));
    assertEquals(Integer.MIN_VALUE, data.originalItemId(2));
    assertEquals(2.5, data.mean(), 1e-12);
  }

  @Test
  void plainDecimalsParseToTheSameDoubleAsDoubleParseDouble() {
    SplittableRandom random = new SplittableRandom(8);
    for (int i = 0; i < 100_000; i++) {
      StringBuilder digitsBuilder = new StringBuilder();
      for (int d = random.nextInt(1, 16); d > 0; d--) {
        digitsBuilder.append((char) ('0' + random.nextInt(10)));
      }
      String digits = digitsBuilder.toString();
      int point = random.nextInt(digits.length() + 1);
      String text = (random.nextBoolean() ? "-" : "") + digits.substring(0, point) + "." + digits.substring(point);
      assertEquals(Double.doubleToLongBits(Double.parseDouble(text)),
          Double.doubleToLongBits(RatingsReader.parsePlainDecimal(text, 0, text.length())), text);
    }
    for (String plain : new String[] {"0", "-0", "+7", "5.", ".5", "10", "-3.54", "999999999999999"}) {
      assertEquals(Double.parseDouble(plain), RatingsReader.parsePlainDecimal(plain, 0, plain.length()), plain);
    }
    for (String other : new String[] {"", "-", ".", "1e3", "1.2.3", "1234567890123456", "NaN", "4d"}) {
      assertTrue(Double.isNaN(RatingsReader.parsePlainDecimal(other, 0, other.length())), other);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void readsTheJesterFileWithAllItsRatings() {
    Path jester = dataDir().resolve("jester5k/jester5k_ratings.tsv");
    Assumptions.assumeTrue(Files.isRegularFile(jester),
        "the Jester data set is not at " + jester.toAbsolutePath() + "; set -Dpetuum.data.dir to the shared data folder");

    RatingsData data = RatingsReader.read(jester);

    assertEquals(363_209, data.size());
    assertEquals(5_000, data.numUsers());
    assertEquals(100, data.numItems());
    for (int i = 0; i < data.size(); i++) {
      double r = data.rating(i);
      assertTrue(r >= -10 && r <= 10, () -> "rating out of [-10, 10]: " + r);
    }
  }

  @Test
  void rejectsALineWithTooFewFieldsShowingFileLineAndContent() throws IOException {
    Path file = write("ratings.tsv", "1\t2\t3\n".repeat(16) + "12\t7\n");

    InputFormatException e = assertThrows(InputFormatException.class, () -> RatingsReader.read(file));

    assertEquals(file + ":17: " + EXPECTED_FORM + " but got 2 fields: \"12\\t7\"", e.getMessage());
    assertEquals(17, e.line());
    assertEquals(file, e.file());
  }

  @Test
  void rejectsALineWithTooManyFields() throws IOException {
    Path file = write("ratings.dat", "1::2::3::4\n1::2::3::4::5\n");

    assertFailsAt(file, 2, EXPECTED_FORM + " but got 5 fields: \"1::2::3::4::5\"");
  }

  @Test
  void rejectsALineWithASingleField() throws IOException {
    Path file = write("ratings.txt", "1 2 3\n1:2:3\n");

    assertFailsAt(file, 2, EXPECTED_FORM + " but got 1 field: \"1:2:3\"");
  }

  @Test
  void rejectsARatingThatIsNotANumber() throws IOException {
    Path file = write("ratings.tsv", "1\t2\t3\n# comment\n1\t3\tabc\n");

    assertFailsAt(file, 3, "rating is not a number: \"abc\"");
  }

  @Test
  void rejectsARatingWithAJavaLiteralSuffix() throws IOException {
    Path file = write("ratings.csv", "1,2,4d\n");

    assertFailsAt(file, 1, "rating is not a number: \"4d\"");
  }

  @Test
  void rejectsNaNAndInfiniteRatings() throws IOException {
    assertFailsAt(write("nan.tsv", "1\t2\t3\n1\t2\tNaN\n"), 2, "rating must be a finite number but got \"NaN\"");
    assertFailsAt(write("inf.tsv", "1\t2\t-Infinity\n"), 1, "rating must be a finite number but got \"-Infinity\"");
    assertFailsAt(write("huge.tsv", "1\t2\t1e999\n"), 1, "rating must be a finite number but got \"1e999\"");
  }

  @Test
  void rejectsAUserIdThatIsNotAnInteger() throws IOException {
    Path file = write("ratings.csv", "1,2,3\n1.5,2,3\n");

    assertFailsAt(file, 2, "user id is not an integer in [-2147483648, 2147483647]: \"1.5\"");
  }

  @Test
  void rejectsAnItemIdThatIsNotAnInteger() throws IOException {
    Path file = write("ratings.csv", "1,x,3\n");

    assertFailsAt(file, 1, "item id is not an integer in [-2147483648, 2147483647]: \"x\"");
  }

  @Test
  void rejectsAUserIdOutsideTheIntRange() throws IOException {
    Path file = write("ratings.csv", "1,1,1\n2147483648,1,3\n");

    assertFailsAt(file, 2, "user id is not an integer in [-2147483648, 2147483647]: \"2147483648\"");
  }

  @Test
  void takesOnlyTheFirstDataLineForAHeader() throws IOException {
    Path file = write("ratings.csv", "1,1,1\nuserId,movieId,rating\n");

    assertFailsAt(file, 2, "user id is not an integer in [-2147483648, 2147483647]: \"userId\"");
  }

  @Test
  void cutsLongLinesInMessagesToEightyCharacters() throws IOException {
    String longLine = "9".repeat(200);
    Path file = write("ratings.tsv", longLine + "\n");

    InputFormatException e = assertThrows(InputFormatException.class, () -> RatingsReader.read(file));

    assertTrue(e.getMessage().startsWith(file + ":1: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("\"" + "9".repeat(80) + "\"… (200 characters)"), e.getMessage());
  }

  @Test
  void rejectsAnEmptyFile() throws IOException {
    Path file = write("ratings.tsv", "");

    assertFailsForWholeFile(file, "contains no ratings");
  }

  @Test
  void rejectsAFileWithOnlyCommentsAndBlankLines() throws IOException {
    Path file = write("ratings.tsv", "# user item rating\n\n# nothing else\n");

    assertFailsForWholeFile(file, "contains no ratings");
  }

  @Test
  void rejectsAMissingFileNamingItsFullPath() {
    Path file = dir.resolve("no/such/ratings.tsv");

    assertFailsForWholeFile(file, "file not found");
  }

  @Test
  void rejectsADirectory() {
    assertFailsForWholeFile(dir, "is a directory, but a ratings file was expected");
  }

  private static void assertFailsAt(Path file, int line, String problem) {
    InputFormatException e = assertThrows(InputFormatException.class, () -> RatingsReader.read(file));
    assertEquals(file + ":" + line + ": " + problem, e.getMessage());
    assertEquals(line, e.line());
  }

  private static void assertFailsForWholeFile(Path file, String problem) {
    InputFormatException e = assertThrows(InputFormatException.class, () -> RatingsReader.read(file));
    assertEquals(file + ": " + problem, e.getMessage());
    assertEquals(0, e.line());
  }

  private static void assertRatings(RatingsData data, int[] users, int[] items, double[] ratings) {
    assertArrayEquals(users, data.users(), "users");
    assertArrayEquals(items, data.items(), "items");
    assertArrayEquals(ratings, data.ratings(), 1e-12, "ratings");
  }

  private RatingsData read(String name, String content) throws IOException {
    return RatingsReader.read(write(name, content));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  /** The shared data folder: {@code -Dpetuum.data.dir}, else {@code shared/data} beside the checkout. */
  static Path dataDir() {
    String configured = System.getProperty("petuum.data.dir");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    // Tests run in the module folder; the shared folder sits beside the checkout or beside the module.
    Path besideModule = Path.of("..", "shared", "data");
    Path besideCheckout = Path.of("..", "..", "shared", "data");
    return Files.isDirectory(besideModule) || !Files.isDirectory(besideCheckout) ? besideModule : besideCheckout;
  }
}
