package org.petuum.examples.mf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ml.recommendation.MatrixFactorizationModel;

/**
 * {@code petuum mf} with its default options learns: on the real Jester ratings it beats a threshold measured with a
 * margin, on generated data it comes close to the known noise, and it writes a complete model that Spark can read
 * back. Runs in Spark local mode with two task slots.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MfJobQualityTest {

    /** System property (set by the build) naming the folder of shared data sets. */
    private static final String DATA_DIR_PROPERTY = "petuum.data.dir";
    private static final String JESTER = "jester5k/jester5k_ratings.tsv";
    /** Default parameters reach about 4.1; a rating is in [-10, 10]. */
    private static final double JESTER_MAX_TEST_RMSE = 4.5;
    /** Default options reach about 6 % above the noise. */
    private static final double MAX_TEST_RMSE_OVER_NOISE = 1.10;
    private static final int DEFAULT_RANK = 10;
    /** The estimator's default maxIter: one progress line and one CSV row per pass. */
    private static final int DEFAULT_PASSES = 20;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path tmp;

    @Test
    void defaultOptionsOnJesterReachTheMeasuredTestRmseAndWriteACompleteModel() throws IOException {
        Path jester = jesterFile();
        Path model = tmp.resolve("jester-model");

        CliRun run = CliRun.petuum("mf", "--master", "local[2]", "--input", jester.toString(), "--test-fraction",
                "0.1", "--output", model.toString());

        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.out().contains("read 363,209 ratings of 5,000 users and 100 items"), run::describe);
        assertTrue(run.out().contains("training rank 10 on 2 worker(s) with 1 shard(s) on executor(s) [driver]"),
                run::describe);
        double testRmse = run.finalTestRmse();
        assertTrue(testRmse <= JESTER_MAX_TEST_RMSE,
                () -> "final test RMSE " + testRmse + " (expected: <= " + JESTER_MAX_TEST_RMSE + ")");

        JsonNode json = assertCompleteModel(run, model);
        assertEquals(jester.toString(), json.get("input").asText());
        assertEquals(363_209, json.get("ratings").asInt());
        assertEquals(testRmse, json.get("finalTestRmse").asDouble(), 1e-4, "model.json and the printed line differ");
        assertFactors(model, 5000, 100);
    }

    @Test
    void defaultOptionsOnGeneratedDataComeCloseToTheNoiseLevel() throws IOException {
        Path model = tmp.resolve("generated-model");

        CliRun run = CliRun.petuum("mf", "--master", "local[2]", "--output", model.toString());

        assertEquals(0, run.exitCode(), run::describe);
        double noise = run.noiseLevel();
        assertEquals(0.5, noise, 1e-9, "the default --gen-noise");
        double testRmse = run.finalTestRmse();
        assertTrue(testRmse <= MAX_TEST_RMSE_OVER_NOISE * noise, () -> "final test RMSE " + testRmse
                + " (expected: <= " + MAX_TEST_RMSE_OVER_NOISE + " x noise " + noise + ")");

        JsonNode json = assertCompleteModel(run, model);
        assertEquals("generated", json.get("input").asText());
        // Every user and item of the generated space has ratings (about 100 per user, 600 per item; see GeneratedRatings), so each has a row.
        assertFactors(model, 3000, 500);
    }

    /** The progress lines, model.json, convergence.csv and convergence.png of a default run; returns model.json. */
    private JsonNode assertCompleteModel(CliRun run, Path model) throws IOException {
        assertEquals(DEFAULT_PASSES, run.linesStartingWith("pass ").size(), run::describe);
        assertTrue(run.out().contains("model written to "), run::describe);
        try (Stream<Path> beside = Files.list(model.getParent())) {
            assertEquals(List.of(model), beside.toList(), "a staging folder was left beside the model");
        }

        JsonNode json = new ObjectMapper().readTree(model.resolve("model.json").toFile());
        assertEquals("petuum-mf", json.get("kind").asText(), json::toString);
        assertEquals(DEFAULT_RANK, json.get("options").get("rank").asInt(), json::toString);

        List<String> csv = Files.readAllLines(model.resolve("convergence.csv"), StandardCharsets.UTF_8);
        assertEquals("clock,train_rmse,test_rmse,elapsed_s,updates_per_s", csv.get(0));
        assertEquals(DEFAULT_PASSES, csv.size() - 1, () -> "rows of convergence.csv: " + csv);
        List<Integer> clocks = csv.subList(1, csv.size()).stream()
                .map(line -> Integer.parseInt(line.substring(0, line.indexOf(',')))).toList();
        assertEquals(IntStream.rangeClosed(1, DEFAULT_PASSES).boxed().toList(), clocks);

        try (InputStream png = Files.newInputStream(model.resolve("convergence.png"))) {
            assertArrayEquals(PNG_SIGNATURE, png.readNBytes(PNG_SIGNATURE.length), "convergence.png is not a PNG");
        }
        return json;
    }

    /** Reads both Parquet folders back with a Spark session of its own. */
    private static void assertFactors(Path model, long users, long items) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("read mf model")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            MatrixFactorizationModel loaded = MatrixFactorizationModel.load(model.resolve("model").toString());
            assertEquals(DEFAULT_RANK, loaded.rank());
            assertFactorTable(spark, model.resolve("model/data/userFactors"), users);
            assertFactorTable(spark, model.resolve("model/data/itemFactors"), items);
        } finally {
            spark.stop();
        }
    }

    private static void assertFactorTable(SparkSession spark, Path folder, long rows) {
        Dataset<Row> factors = spark.read().parquet(folder.toString());
        assertEquals(List.of("id", "features"), List.of(factors.columns()), folder::toString);
        Row stats = factors.agg(functions.count("*"), functions.countDistinct("id"),
                functions.min(functions.size(functions.col("features"))),
                functions.max(functions.size(functions.col("features")))).first();
        assertEquals(rows, stats.getLong(0), () -> "rows of " + folder);
        assertEquals(rows, stats.getLong(1), () -> "distinct ids of " + folder);
        // The factors, then the two folded bias terms.
        assertEquals(DEFAULT_RANK + 2, stats.getInt(2), () -> "shortest features array of " + folder);
        assertEquals(DEFAULT_RANK + 2, stats.getInt(3), () -> "longest features array of " + folder);
    }

    private static Path jesterFile() {
        String dataDir = System.getProperty(DATA_DIR_PROPERTY);
        Assumptions.assumeTrue(dataDir != null && !dataDir.isBlank(),
                "system property " + DATA_DIR_PROPERTY + " is not set (the build sets it to the shared data folder);"
                        + " skipping the Jester run");
        Path file = Path.of(dataDir, JESTER).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(file),
                () -> "no Jester ratings at " + file + " (" + DATA_DIR_PROPERTY + "=" + dataDir
                        + "); skipping the Jester run");
        return file;
    }
}
