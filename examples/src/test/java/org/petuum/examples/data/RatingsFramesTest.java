package org.petuum.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ratings parsed in Spark's tasks follow {@link RatingsReader}'s rules and messages, also when the file is split over
 * several partitions: only the file's first line with data may be a header, and a bad line is named by its number.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RatingsFramesTest {

    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("RatingsFramesTest")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void readsAsTheReaderDoesAcrossPartitions() throws IOException {
        StringBuilder text = new StringBuilder("\uFEFF# a comment\n\nuserId,movieId,rating,timestamp\n");
        for (int n = 0; n < 200; n++) {
            text.append(100 + n % 7).append(',').append(n % 11).append(',').append(n % 5).append(".5,99\n");
        }
        Path file = write("ratings.csv", text.toString());

        Dataset<Row> frame = RatingsFrames.read(spark, file);

        assertTrue(frame.javaRDD().getNumPartitions() >= 2, "the file should span partitions");
        List<Row> rows = frame.collectAsList();
        assertEquals(RatingsReader.read(file).size(), rows.size());
        assertEquals(200, rows.size());
        assertEquals(List.of(100, 0, 0.5), List.of(rows.get(0).getInt(0), rows.get(0).getInt(1), rows.get(0).getDouble(2)));
        assertEquals(new RatingsFrames.Counts(200, 7, 11), RatingsFrames.counts(frame, file));
    }

    @Test
    void badLineFailsWithTheReadersMessage() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int n = 1; n <= 300; n++) {
            text.append(n).append('\t').append(n % 13).append('\t').append(n == 250 ? "great" : "3").append('\n');
        }
        Path file = write("ratings.tsv", text.toString());
        Dataset<Row> frame = RatingsFrames.read(spark, file);

        InputFormatException e = assertThrows(InputFormatException.class, () -> RatingsFrames.counts(frame, file));

        assertEquals(file + ":250: rating is not a number: \"great\"", e.getMessage());
        InputFormatException reader = assertThrows(InputFormatException.class, () -> RatingsReader.read(file));
        assertEquals(reader.getMessage(), e.getMessage());
    }

    @Test
    void aHeaderAfterTheFirstRatingIsABadLine() throws IOException {
        Path file = write("ratings.tsv", "1\t1\t2\nuser\titem\trating\n");

        InputFormatException e = assertThrows(InputFormatException.class,
                () -> RatingsFrames.counts(RatingsFrames.read(spark, file), file));

        assertEquals(file + ":2: user id is not an integer in [-2147483648, 2147483647]: \"user\"", e.getMessage());
    }

    @Test
    void fileOfCommentsAndAHeaderHoldsNoRatings() throws IOException {
        Path onlyComments = write("comments.tsv", "# nothing\n\n");
        Path onlyHeader = write("header.tsv", "user\titem\trating\n");

        InputFormatException none = assertThrows(InputFormatException.class,
                () -> RatingsFrames.read(spark, onlyComments));
        InputFormatException header = assertThrows(InputFormatException.class,
                () -> RatingsFrames.counts(RatingsFrames.read(spark, onlyHeader), onlyHeader));

        assertEquals(onlyComments + ": contains no ratings", none.getMessage());
        assertEquals(onlyHeader + ": contains no ratings", header.getMessage());
    }

    @Test
    void missingFileFailsBeforeAnySparkJob() {
        Path missing = tmp.resolve("missing.tsv");

        InputFormatException e = assertThrows(InputFormatException.class, () -> RatingsFrames.exists(missing));

        assertEquals(missing + ": file not found", e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
    }
}
