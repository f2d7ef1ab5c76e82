package org.petuum.examples.mf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.petuum.examples.PetuumCli;

/**
 * One run of the {@code petuum} command line inside the test JVM, through {@link PetuumCli#execute}: its exit code
 * and everything it printed. The command starts and stops its own Spark session.
 */
record CliRun(int exitCode, String out, String err) {

    private static final Pattern FINAL_TEST_RMSE = Pattern.compile("final test RMSE (\\S+)");
    private static final Pattern NOISE_LEVEL = Pattern.compile("noise level (\\S+);");

    static CliRun petuum(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = PetuumCli.execute(args, o, e);
        }
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The value printed as {@code final test RMSE x}; fails the test unless exactly one such line was printed. */
    double finalTestRmse() {
        return single(FINAL_TEST_RMSE);
    }

    /** The value printed as {@code noise level x; ...} for generated data. */
    double noiseLevel() {
        return single(NOISE_LEVEL);
    }

    /** The printed lines that start with {@code prefix}. */
    List<String> linesStartingWith(String prefix) {
        return out.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    /** Exit code and both outputs, for assertion messages. */
    String describe() {
        return "exitCode=" + exitCode + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
    }

    private double single(Pattern pattern) {
        List<Matcher> found = out.lines().map(pattern::matcher).filter(Matcher::find).toList();
        assertEquals(1, found.size(), () -> "lines matching '" + pattern + "'; " + describe());
        return Double.parseDouble(found.get(0).group(1));
    }
}
