package org.petuum.examples.lasso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.petuum.examples.PetuumCli;
import org.petuum.examples.data.CsvReader;
import org.petuum.examples.data.LibsvmReader;
import org.petuum.examples.data.RegressionData;
import org.petuum.ml.regression.ColumnBlock;
import org.petuum.ml.regression.LassoMath;
import org.petuum.ml.regression.LocalLassoSolver;

/**
 * {@code petuum lasso} from the command line: on real data it prints the objective the reference solver finds, and
 * it refuses bad input and bad options with a message naming the file and line, or the option. The input is read
 * by Spark, so bad lines are found once Spark runs; bad options and missing files before it starts.
 *
 * <p>Checks that must fail before Spark starts run with {@link #NO_SPARK}, a master URL Spark cannot parse: had the
 * command started Spark first, it would fail on that instead, and the assertions on the message would not hold.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LassoCommandTest {

    private static final String[] NO_SPARK = {"--master", "no-such-master://here"};
    private static final String SPARK_MASTER_ERROR = "Could not parse Master URL";
    private static final String[] LOCAL_SPARK = {"--master", "local[2]"};
    private static final Pattern OBJECTIVE = Pattern.compile("^objective (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LAMBDA = Pattern.compile("^lambda (\\S+) \\(lambda_max (\\S+)\\)", Pattern.MULTILINE);
    /** A small, valid LIBSVM file. */
    private static final String GOOD_LIBSVM = "1.5 1:1 2:0.5\n-0.5 1:0.2 3:2\n2 2:1 3:-1\n0.25 1:-1 2:2 3:0.5\n";

    @TempDir
    Path tmp;

    @Test
    void dynamicScheduleOnDiabetesPrintsTheReferenceObjectiveAndCoefficients() throws IOException {
        Path dir = dataDir("diabetes");
        Path x = dir.resolve("diabetes_data_raw.csv.gz");
        Path y = dir.resolve("diabetes_target.csv.gz");
        Path coefficients = tmp.resolve("coefficients.csv");
        // At 0.01 lambda_max four of the ten raw features are in the model (at 0.05, only one).
        Reference ref = Reference.of(CsvReader.read(x, -1, y), 0.01);

        Run run = lasso(LOCAL_SPARK, "--input", x.toString(), "--labels", y.toString(), "--lambda-ratio", "0.01",
                "--output", coefficients.toString());

        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.out().contains("read 442 rows of 10 features from " + x), run::describe);
        assertTrue(run.out().contains("dynamic schedule"), run::describe);
        assertLambdaAndObjective(run, ref);
        assertCoefficients(coefficients, ref, run);
    }

    @Test
    void randomScheduleOnCpusmallPrintsTheReferenceObjectiveAndCoefficients() throws IOException {
        Path file = dataDir("cpusmall").resolve("cpusmall");
        Path coefficients = tmp.resolve("coefficients.csv");
        // At 0.001 lambda_max three of the twelve features are in the model (at 0.1, only one).
        Reference ref = Reference.of(LibsvmReader.read(file), 0.001);

        Run run = lasso(LOCAL_SPARK, "--input", file.toString(), "--schedule", "RANDOM", "--lambda-ratio", "0.001",
                "--output", coefficients.toString());

        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.out().contains("read 8,192 rows of 12 features from " + file), run::describe);
        assertTrue(run.out().contains("random schedule"), run::describe);
        assertLambdaAndObjective(run, ref);
        assertCoefficients(coefficients, ref, run);
    }

    @ParameterizedTest(name = "line {1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "1 1:0.5 2:nan     | 3 | value of feature 2 must be a finite number but got \"nan\"",
        "inf 1:0.5         | 3 | label must be a finite number but got \"inf\"",
        "1 1:0.5 2         | 3 | expected 'index:value' but got \"2\"",
        "1 1:0.5 :2        | 3 | expected 'index:value' but got \":2\"",
        "1 x:0.5           | 3 | feature index is not an integer: \"x\"",
        "1 2:0.5 2:1       | 3 | feature index 2 (expected: >= 1 and greater than the previous index 2)",
        "1 1:0.5 2:abc     | 3 | value of feature 2 is not a number: \"abc\""})
    void badLibsvmLineFailsNamingFileAndLine(String bad, int line, String problem) throws IOException {
        Path file = input("data.libsvm", "1 1:1 2:0.5\n\n" + bad + "\n2 1:1\n");

        Run run = lasso(LOCAL_SPARK, "--input", file.toString());

        assertFailedReading(run);
        assertTrue(run.err().contains(file + ":" + line + ": " + problem), run::describe);
    }

    @Test
    void nanInACsvFileFailsNamingFileLineAndColumn() throws IOException {
        Path file = input("data.csv", "a,b,y\n1,2,3\n4,NaN,6\n");

        Run run = lasso(LOCAL_SPARK, "--input", file.toString());

        assertFailedReading(run);
        assertTrue(run.err().contains(file + ":3: column 2 must be a finite number but got \"NaN\""), run::describe);
    }

    @Test
    void missingInputFileFailsNamingTheFile() {
        Path file = tmp.resolve("no-such-file.libsvm");

        Run run = lasso(NO_SPARK, "--input", file.toString());

        assertFailedBeforeSpark(run);
        assertTrue(run.err().contains(file + ": file not found"), run::describe);
    }

    @Test
    void missingLabelFileFailsNamingTheFile() throws IOException {
        Path file = input("data.csv", "1,2\n3,4\n");
        Path labels = tmp.resolve("no-such-labels.csv");

        Run run = lasso(NO_SPARK, "--input", file.toString(), "--labels", labels.toString());

        assertFailedBeforeSpark(run);
        assertTrue(run.err().contains(labels + ": file not found"), run::describe);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--lambda-ratio          | 0.0   | expected: 0 < value <= 1",
        "--lambda-ratio          | 1.5   | expected: 0 < value <= 1",
        "--lambda                | -1.0  | expected: > 0 and finite",
        "--workers               | 0     | expected: >= 1",
        "--candidates            | -1    | expected: 0 <= value <= 256",
        "--candidates            | 257   | expected: 0 <= value <= 256",
        "--correlation-threshold | 0.0   | expected: 0 < value <= 1",
        "--correlation-threshold | 1.5   | expected: 0 < value <= 1",
        "--tolerance             | 0.0   | expected: 0 < value < 1",
        "--tolerance             | 1.0   | expected: 0 < value < 1",
        "--max-rounds            | 0     | expected: >= 1"})
    void optionOutOfRangeFailsNamingTheOptionBeforeSparkStarts(String option, String value, String expected)
            throws IOException {
        Path file = input("data.libsvm", GOOD_LIBSVM);

        Run run = lasso(NO_SPARK, "--input", file.toString(), option, value);

        assertEquals(2, run.exitCode(), run::describe);
        assertFailedBeforeSpark(run);
        assertTrue(run.err().contains(option + " : " + value + " (" + expected + ")"), run::describe);
    }

    @Test
    void labelColumnZeroFailsNamingTheOption() throws IOException {
        Path file = input("data.csv", "1,2,3\n4,5,6\n");

        Run run = lasso(NO_SPARK, "--input", file.toString(), "--label-column", "0");

        assertEquals(2, run.exitCode(), run::describe);
        assertFailedBeforeSpark(run);
        assertTrue(run.err().contains("--label-column : 0 (expected: >= 1)"), run::describe);
    }

    @Test
    void goodInputWithAnUnusableMasterReachesSpark() throws IOException {
        // The premise of the checks that run with NO_SPARK: given good input and options, the run gets to Spark,
        // which reads the input.
        Path file = input("data.libsvm", GOOD_LIBSVM);

        Run run = lasso(NO_SPARK, "--input", file.toString());

        assertEquals(1, run.exitCode(), run::describe);
        assertTrue(run.err().contains(SPARK_MASTER_ERROR), run::describe);
    }

    @Test
    void goodSmallInputIsReadBySparkAndFits() throws IOException {
        Path file = input("data.libsvm", GOOD_LIBSVM);

        Run run = lasso(LOCAL_SPARK, "--input", file.toString(), "--lambda-ratio", "0.5");

        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.out().startsWith("read 4 rows of 3 features from " + file), run::describe);
    }

    /** The reference solution at {@code ratio * lambda_max}, computed the way the command computes lambda. */
    private record Reference(double lambda, double lambdaMax, LocalLassoSolver.Solution solution) {
        static Reference of(RegressionData data, double ratio) {
            ColumnBlock x = ColumnBlock.of(data.rows(), data.features());
            double lambdaMax = LassoMath.lambdaMax(x);
            double lambda = ratio * lambdaMax;
            return new Reference(lambda, lambdaMax, LocalLassoSolver.solve(x, lambda));
        }
    }

    /** The printed lambda is the reference's, and so, to 1e-6 relative, is the printed final objective. */
    private static void assertLambdaAndObjective(Run run, Reference ref) {
        Matcher lambda = single(LAMBDA, run);
        assertEquals(ref.lambda(), Double.parseDouble(lambda.group(1)), 1e-5 * ref.lambda(), run::describe);
        assertEquals(ref.lambdaMax(), Double.parseDouble(lambda.group(2)), 1e-5 * ref.lambdaMax(), run::describe);
        double objective = Double.parseDouble(single(OBJECTIVE, run).group(1));
        double f = ref.solution().objective();
        assertTrue(objective >= f * (1 - 1e-9), () -> "objective " + objective + " is below the optimum " + f);
        assertEquals(f, objective, 1e-6 * f, () -> "objective against the reference " + f + "; " + run.describe());
        assertTrue(run.out().contains("converged after "), run::describe);
    }

    /**
     * The written coefficients are the reference's, to 1e-2 of the largest, with the same support and a line saying
     * how many there are. (The objective is the tight check: with correlated features it is flat along some
     * directions, so the command's default tolerance leaves coefficients a few thousandths from the reference's while
     * the objective agrees to 1e-6.)
     */
    private static void assertCoefficients(Path file, Reference ref, Run run) throws IOException {
        double[] expected = ref.solution().beta();
        double[] beta = new double[expected.length];
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals("feature,coefficient", lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            beta[Integer.parseInt(f[0]) - 1] = Double.parseDouble(f[1]);
        }
        double scale = 0;
        int support = 0;
        for (double b : expected) {
            scale = Math.max(scale, Math.abs(b));
            support += b != 0 ? 1 : 0;
        }
        assertTrue(support >= 3, "the reference model is too sparse to tell much: " + support + " non-zeros");
        for (int j = 0; j < beta.length; j++) {
            assertEquals(expected[j], beta[j], 1e-2 * scale, "coefficient of feature " + (j + 1));
            assertEquals(expected[j] != 0, beta[j] != 0, "whether feature " + (j + 1) + " is in the model");
        }
        assertTrue(run.out().contains("non-zero coefficients " + support + " of " + beta.length), run::describe);
    }

    private static Matcher single(Pattern pattern, Run run) {
        Matcher m = pattern.matcher(run.out());
        assertTrue(m.find(), () -> "no line matching '" + pattern + "'; " + run.describe());
        Matcher again = pattern.matcher(run.out());
        assertTrue(again.find() && !again.find(), () -> "more than one line matching '" + pattern + "'; "
                + run.describe());
        return m;
    }

    private static void assertFailedBeforeSpark(Run run) {
        assertNotEquals(0, run.exitCode(), run::describe);
        assertFalse(run.err().contains(SPARK_MASTER_ERROR), () -> "Spark started before the input and options were "
                + "checked; " + run.describe());
        assertTrue(run.err().startsWith("lasso: "), run::describe);
    }

    /** Spark started and read the input, and the run failed on it, not on Spark. */
    private static void assertFailedReading(Run run) {
        assertNotEquals(0, run.exitCode(), run::describe);
        assertFalse(run.err().contains(SPARK_MASTER_ERROR), run::describe);
        assertTrue(run.err().startsWith("lasso: "), run::describe);
        assertFalse(run.out().contains("read "), () -> "the run went on after bad input; " + run.describe());
    }

    private static Path dataDir(String dataset) {
        String dir = System.getProperty("petuum.data.dir");
        assumeTrue(dir != null, "system property petuum.data.dir is not set; skipping the lasso runs on real data");
        Path p = Path.of(dir, dataset);
        assumeTrue(Files.isDirectory(p), "dataset folder " + p + " is absent; skipping the lasso run on it");
        return p;
    }

    private Path input(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** One run of {@code petuum lasso} in this JVM: exit code and everything printed. */
    private record Run(int exitCode, String out, String err) {
        String describe() {
            return "exitCode=" + exitCode + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
        }
    }

    private static Run lasso(String[] master, String... args) {
        List<String> all = new ArrayList<>(List.of("lasso"));
        all.addAll(List.of(master));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = PetuumCli.execute(all.toArray(String[]::new), o, e);
        }
        return new Run(code, out.toString(), err.toString());
    }
}
