package org.petuum.examples.mf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code petuum mf} refuses bad input, bad options and a bad output folder with a message that says what, where and
 * what was expected, and never leaves a partial output folder behind.
 *
 * <p>Checks that must fail before Spark starts run with {@link #NO_SPARK}, a master URL Spark cannot parse: had the
 * command started Spark first, it would fail on that instead, and the assertions on the message would not hold.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MfCommandTest {

    /** A master that makes {@code SparkContext} fail at once; see the class comment. */
    private static final String[] NO_SPARK = {"--master", "no-such-master://here"};
    private static final String SPARK_MASTER_ERROR = "Could not parse Master URL";
    private static final String[] LOCAL_SPARK = {"--master", "local[2]"};
    /** A run small enough to take well under a second once Spark is up. */
    private static final String[] TINY_GENERATED = {"--gen-users", "60", "--gen-items", "20", "--gen-rank", "2",
        "--passes", "4"};

    @TempDir
    Path tmp;

    private Path inputs;
    private Path outputs;
    private Path model;

    @BeforeEach
    void folders() throws IOException {
        inputs = Files.createDirectories(tmp.resolve("inputs"));
        outputs = Files.createDirectories(tmp.resolve("outputs"));
        model = outputs.resolve("model");
    }

    @Test
    void lineWithTooFewFieldsFailsNamingFileAndLineBeforeTraining() throws IOException {
        Path file = input("ratings.tsv", "1\t1\t2.5\n1\t2\t-3\n2\t7\n2\t1\t0.5\n");

        CliRun run = mf(LOCAL_SPARK, "--input", file.toString(), "--output", model.toString());

        assertFailedBeforeTraining(run);
        assertTrue(run.err().contains(file + ":3: expected 'user item rating [timestamp]'"), run::describe);
        assertTrue(run.err().contains("but got 2 fields"), run::describe);
        assertNoOutput();
    }

    @Test
    void nonNumericRatingFailsNamingFileLineAndTheField() throws IOException {
        Path file = input("ratings.csv", "user,item,rating\n1,1,4\n2,1,great\n");

        CliRun run = mf(LOCAL_SPARK, "--input", file.toString(), "--output", model.toString());

        assertFailedBeforeTraining(run);
        assertTrue(run.err().contains(file + ":3: rating is not a number: \"great\""), run::describe);
        assertNoOutput();
    }

    @Test
    void emptyFileFailsSayingItHoldsNoRatings() throws IOException {
        Path file = input("empty.tsv", "");

        CliRun run = mf(LOCAL_SPARK, "--input", file.toString(), "--output", model.toString());

        assertFailedBeforeTraining(run);
        assertTrue(run.err().contains(file + ": contains no ratings"), run::describe);
        assertNoOutput();
    }

    @Test
    void missingFileFailsSayingItIsNotFound() {
        Path file = inputs.resolve("no-such-ratings.tsv");

        CliRun run = mf(NO_SPARK, "--input", file.toString(), "--output", model.toString());

        assertFailedBeforeSpark(run);
        assertTrue(run.err().contains(file + ": file not found"), run::describe);
        assertNoOutput();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--rank           | 0    | 1 <= value <= 1000",
        "--rank           | 1001 | 1 <= value <= 1000",
        "--staleness      | -1   | 0 <= value <= 1000",
        "--step-size      | 0    | 0 < value <= 1",
        "--passes         | 0    | 1 <= value <= 100000",
        "--schedule       | fast | one of ssp, rotation",
        "--test-fraction  | 1.5  | 0 < value < 1",
        "--test-fraction  | -0.25 | 0 < value < 1",
        "--workers        | 0    | >= 1",
    })
    void optionOutOfRangeIsBadUsageNamingTheOptionAndItsRange(String option, String value, String range)
            throws IOException {
        Path file = input("ratings.tsv", "1\t1\t2.5\n2\t1\t-1\n");

        CliRun run = mf(NO_SPARK, "--input", file.toString(), "--output", model.toString(), option, value);

        assertEquals(2, run.exitCode(), run::describe);
        assertFalse(run.err().contains(SPARK_MASTER_ERROR), run::describe);
        // The value as the user typed it, so that it can be found on the command line.
        String expected = option + " : " + value + " (expected: " + range + ")";
        assertTrue(run.err().contains(expected), () -> "expected '" + expected + "'; " + run.describe());
        assertTrue(run.out().isEmpty(), run::describe);
        assertNoOutput();
    }

    @Test
    void moreWorkersThanTaskSlotsIsBadUsageNamingTheSlots() {
        CliRun run = mf(LOCAL_SPARK, TINY_GENERATED, "--workers", "3", "--output", model.toString());

        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("--workers : 3 (expected: 1 <= workers <= 2"), run::describe);
        assertNoOutput();
    }

    @Test
    void outputFolderHoldingOtherFilesIsRefusedAndLeftUntouched() throws IOException {
        Path notes = Files.createDirectories(model).resolve("notes.txt");
        Files.writeString(notes, "not a model", StandardCharsets.UTF_8);
        Path nested = Files.createDirectories(model.resolve("photos")).resolve("cat.jpg");
        Files.write(nested, new byte[] {1, 2, 3});
        List<Path> before = tree(outputs);

        CliRun run = mf(LOCAL_SPARK, TINY_GENERATED, "--output", model.toString());

        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("--output : " + model + " exists and is not the output of an earlier"),
                run::describe);
        assertTrue(run.linesStartingWith("pass").isEmpty(), () -> "trained anyway; " + run.describe());
        assertEquals(before, tree(outputs), "files added or removed in or beside the folder");
        assertEquals("not a model", Files.readString(notes, StandardCharsets.UTF_8));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(nested));
    }

    @Test
    void unusableMasterFailsWithSparksOwnMessage() throws IOException {
        // The premise of the checks that run with NO_SPARK: given good input, the run does reach Spark and fails there.
        Path file = input("ratings.tsv", "1\t1\t2.5\n2\t1\t-1\n1\t2\t3\n2\t2\t0\n");

        CliRun run = mf(NO_SPARK, "--input", file.toString(), "--output", model.toString());

        assertEquals(1, run.exitCode(), run::describe);
        assertTrue(run.err().contains(SPARK_MASTER_ERROR), run::describe);
        assertNoOutput();
    }

    @Test
    void outputThatIsAFileIsRefusedAndLeftUntouched() throws IOException {
        Files.writeString(model, "a file", StandardCharsets.UTF_8);

        CliRun run = mf(LOCAL_SPARK, TINY_GENERATED, "--output", model.toString());

        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("--output : " + model + " is a file"), run::describe);
        assertEquals("a file", Files.readString(model, StandardCharsets.UTF_8));
        assertEquals(List.of(Path.of("model")), tree(outputs));
    }

    @Test
    void givenTestFileIsTheSplitEvaluatedAndUnknownPairsAreLeftOut() throws IOException {
        StringBuilder train = new StringBuilder();
        StringBuilder test = new StringBuilder();
        // Ratings that depend on the user and the item only through their biases: learnable from 40 x 10 cells.
        for (int u = 1; u <= 40; u++) {
            for (int i = 1; i <= 10; i++) {
                String line = u + "\t" + i + "\t" + (u % 3 + i % 4) + "\n";
                ((u + i) % 5 == 0 ? test : train).append(line);
            }
        }
        test.append("999\t1\t3\n"); // a user the training file does not have: cold start "drop"
        Path trainFile = input("train.tsv", train.toString());
        Path testFile = input("test.tsv", test.toString());

        CliRun run = mf(LOCAL_SPARK, "--input", trainFile.toString(), "--test", testFile.toString(), "--passes", "30");

        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.out().contains("read 320 ratings of 40 users and 10 items from " + trainFile), run::describe);
        assertTrue(run.out().contains("read 81 test ratings from " + testFile), run::describe);
        assertTrue(run.finalTestRmse() < 0.8, run::describe); // the ratings spread 1.4 around their mean
    }

    @Test
    void testFileWithoutInputIsBadUsage() throws IOException {
        Path testFile = input("test.tsv", "1\t1\t3\n");
        CliRun run = mf(NO_SPARK, "--test", testFile.toString());
        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("--test needs --input"), run::describe);
    }

    @Test
    void secondRunIntoTheFolderOfAnEarlierModelReplacesIt() throws IOException {
        CliRun first = mf(LOCAL_SPARK, TINY_GENERATED, "--seed", "1", "--output", model.toString());
        assertEquals(0, first.exitCode(), first::describe);
        assertEquals(1, readModelJson().get("options").get("seed").asLong());
        // Something of the earlier model that the second run does not write: it must go with the rest.
        Path leftover = model.resolve("from-the-earlier-run.txt");
        Files.writeString(leftover, "old", StandardCharsets.UTF_8);

        CliRun second = mf(LOCAL_SPARK, TINY_GENERATED, "--seed", "2", "--output", model.toString());

        assertEquals(0, second.exitCode(), second::describe);
        assertTrue(second.out().contains("model written to "), second::describe);
        JsonNode json = readModelJson();
        assertEquals("petuum-mf", json.get("kind").asText());
        assertEquals(2, json.get("options").get("seed").asLong());
        assertFalse(Files.exists(leftover), "a file of the earlier model survived the replacement");
        assertTrue(Files.isDirectory(model.resolve("model/data/userFactors")));
        assertTrue(Files.isDirectory(model.resolve("model/data/itemFactors")));
        try (Stream<Path> beside = Files.list(outputs)) {
            assertEquals(List.of(model), beside.toList(), "a staging folder was left beside the model");
        }
    }

    private static CliRun mf(String[] master, String... args) {
        return mf(master, new String[0], args);
    }

    private static CliRun mf(String[] master, String[] more, String... args) {
        List<String> all = new ArrayList<>(List.of("mf"));
        all.addAll(List.of(master));
        all.addAll(List.of(more));
        all.addAll(List.of(args));
        return CliRun.petuum(all.toArray(String[]::new));
    }

    private Path input(String name, String text) throws IOException {
        return Files.writeString(inputs.resolve(name), text, StandardCharsets.UTF_8);
    }

    private JsonNode readModelJson() throws IOException {
        return new ObjectMapper().readTree(model.resolve("model.json").toFile());
    }

    private static void assertFailedBeforeSpark(CliRun run) {
        assertNotEquals(0, run.exitCode(), run::describe);
        assertFalse(run.err().contains(SPARK_MASTER_ERROR), () -> "Spark started before the input was read; "
                + run.describe());
        assertTrue(run.err().startsWith("mf: "), run::describe);
        assertTrue(run.out().isEmpty(), run::describe);
    }

    /**
     * A bad line fails the job that reads the file, before training: the message is the reader's, with file and line
     * and without Spark's job failure around it.
     */
    private static void assertFailedBeforeTraining(CliRun run) {
        assertEquals(1, run.exitCode(), run::describe);
        assertTrue(run.err().startsWith("mf: "), run::describe);
        assertFalse(run.err().contains("Job aborted"), () -> "Spark's wrapper in the message; " + run.describe());
        assertFalse(run.out().contains("training rank"), run::describe);
        assertTrue(run.linesStartingWith("pass").isEmpty(), run::describe);
    }

    /** Neither the model folder nor anything beside it (a staging folder) exists. */
    private void assertNoOutput() {
        assertEquals(List.of(), tree(outputs), "the failed run left output behind");
    }

    /** Every path below {@code root}, relative to it, sorted. */
    private static List<Path> tree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).map(root::relativize).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + root, e);
        }
    }
}
