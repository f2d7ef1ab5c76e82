package org.petuum.examples.lasso;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.petuum.examples.data.CsvReader;
import org.petuum.examples.data.RegressionFrames;
import org.petuum.ps.PetuumPlugin;
import org.petuum.examples.report.ConsoleProgress;
import org.petuum.ps.PsContext;
import org.petuum.ml.regression.Lasso;
import org.petuum.ml.regression.LassoModel;
import org.petuum.ml.regression.LassoParams;
import org.petuum.ml.regression.LassoSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code petuum lasso}: Lasso by STRADS-style scheduled coordinate descent. */
@Command(name = "lasso", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lasso regression, min ||y - X b||^2 / (2n) + lambda ||b||_1 (no intercept), by scheduled "
                + "coordinate descent: the rows are partitioned across the workers, and a scheduler on the driver picks "
                + "the block of coordinates of each round (dynamic priority, rotation or random) and solves it jointly. The "
                + "input is read by Spark's tasks, not by the driver."})
public final class LassoCommand implements Callable<Integer> {

    enum Format { AUTO, LIBSVM, CSV }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "LIBSVM ('label index:value ...') or CSV file, gzip if the name ends in .gz.")
    Path input;

    @Option(names = "--format", defaultValue = "AUTO", description = "AUTO (CSV if the name has .csv or .tsv, else "
            + "LIBSVM), LIBSVM or CSV (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--labels", paramLabel = "FILE", description = "CSV only: a file with one label per row.")
    Path labels;

    @Option(names = "--label-column", paramLabel = "N", description = "CSV only: the 1-based column holding the label "
            + "(default: the last column, unless --labels is given).")
    Integer labelColumn;

    @Option(names = "--lambda", description = "The L1 weight (default: --lambda-ratio times lambda_max).")
    Double lambda;

    @Option(names = "--lambda-ratio", defaultValue = "0.1",
            description = "lambda as a fraction of lambda_max, the smallest lambda giving all zeros (default: ${DEFAULT-VALUE}).")
    double lambdaRatio;

    @Option(names = "--schedule", defaultValue = "DYNAMIC", description = "DYNAMIC, ROTATION or RANDOM (default: "
            + "${DEFAULT-VALUE}).")
    LassoParams.Schedule schedule;

    @Option(names = "--candidates", defaultValue = "0", description = "Coordinates per round, solved jointly; 0 "
            + "chooses from the data (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--correlation-threshold", defaultValue = "0.1", description = "Dependency check: a round's "
            + "block holding two coordinates correlated at least this much is swept until it settles, otherwise "
            + "once (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--tolerance", defaultValue = "1e-9", description = "Stop when the duality gap is at most this "
            + "fraction of the objective (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--max-rounds", defaultValue = "100000", description = "Round limit (default: ${DEFAULT-VALUE}).")
    int maxRounds;

    @Option(names = "--workers", paramLabel = "N", description = "Workers (default: every task slot of the cluster).")
    Integer workers;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the schedule (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the non-zero coefficients here as CSV "
            + "(feature,coefficient; features 1-based).")
    Path output;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("--workers : " + workers + " (expected: >= 1)");
        }
        if (!(lambdaRatio > 0 && lambdaRatio <= 1)) {
            throw new IllegalArgumentException("--lambda-ratio : " + lambdaRatio + " (expected: 0 < value <= 1)");
        }
        if (lambda != null && !(lambda > 0 && Double.isFinite(lambda))) {
            throw new IllegalArgumentException("--lambda : " + lambda + " (expected: > 0 and finite)");
        }
        // LassoParams checks these too, but by its own names and only once the input has been read.
        if (candidates < 0 || candidates > LassoParams.MAX_CANDIDATES) {
            throw new IllegalArgumentException("--candidates : " + candidates + " (expected: 0 <= value <= "
                    + LassoParams.MAX_CANDIDATES + ")");
        }
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--correlation-threshold : " + threshold
                    + " (expected: 0 < value <= 1)");
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("--tolerance : " + tolerance + " (expected: 0 < value < 1)");
        }
        if (maxRounds < 1) {
            throw new IllegalArgumentException("--max-rounds : " + maxRounds + " (expected: >= 1)");
        }
        String name = input.getFileName() == null ? "" : input.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = format == Format.CSV || (format == Format.AUTO && (name.contains(".csv") || name.contains(".tsv")));
        int labelIndex = checkLabelOptions(csv);
        RegressionFrames.exists(input);
        if (labels != null) {
            RegressionFrames.exists(labels);
        }
        SparkSession spark = session();
        RegressionFrames.Frame data = null;
        try {
            data = csv ? RegressionFrames.csv(spark, input, labelIndex, labels) : RegressionFrames.libsvm(spark, input);
            out.printf(Locale.ROOT, "read %,d rows of %,d features from %s%n", data.rows(), data.features(), input);
            PsContext ps = PsContext.get(spark);
            int w = workers != null ? workers : ps.taskSlots();
            Lasso lasso = new Lasso().setFitIntercept(false).setSchedule(schedule.name()).setBlockSize(candidates)
                    .setCorrelationThreshold(threshold).setTol(tolerance).setMaxIter(maxRounds).setNumWorkers(w)
                    .setSeed(seed);
            double lambdaMax = lasso.lambdaMax(data.data());
            double l = lambda != null ? lambda : lambdaRatio * lambdaMax;
            out.printf(Locale.ROOT, "lambda %.6g (lambda_max %.6g), %s schedule, %s coordinates per round, %d "
                    + "worker(s)%n", l, lambdaMax, schedule.name().toLowerCase(Locale.ROOT),
                    candidates == 0 ? "automatic" : Integer.toString(candidates), w);
            long start = System.nanoTime();
            ConsoleProgress progress = ConsoleProgress.forStdout(out);
            ps.addProgressListener(progress);
            LassoModel model;
            try {
                model = lasso.setRegParam(l).fit(data.data());
            } finally {
                ps.removeProgressListener(progress);
                progress.finish();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LassoSummary fit = model.summary();
            out.printf(Locale.ROOT, "%s after %,d rounds (%,d full passes), %,d coordinate updates, %.2f s%n",
                    fit.converged() ? "converged" : "stopped at the round limit", fit.rounds(), fit.fullPasses(),
                    fit.updates(), seconds);
            out.printf(Locale.ROOT, "objective %.10g%n", fit.objective());
            out.printf(Locale.ROOT, "duality gap %.3g%n", fit.dualityGap());
            double[] beta = model.coefficients().toArray();
            out.printf(Locale.ROOT, "non-zero coefficients %d of %d%n", model.coefficients().numNonzeros(),
                    data.features());
            if (output != null) {
                StringBuilder sb = new StringBuilder("feature,coefficient\n");
                for (int j = 0; j < beta.length; j++) {
                    if (beta[j] != 0) {
                        sb.append(j + 1).append(',').append(beta[j]).append('\n');
                    }
                }
                Files.writeString(output, sb);
                out.println("coefficients written to " + output);
            }
            return fit.converged() ? 0 : 1;
        } finally {
            if (data != null) {
                data.data().unpersist();
            }
            spark.stop();
        }
    }

    /** Checks the CSV label options before Spark starts; the 0-based label column, or -1 with --labels. */
    private int checkLabelOptions(boolean csv) {
        if (!csv) {
            if (labels != null || labelColumn != null) {
                throw new IllegalArgumentException("--labels and --label-column apply to CSV input only");
            }
            return 0;
        }
        if (labels != null && labelColumn != null) {
            throw new IllegalArgumentException("--labels and --label-column : both given (expected: one of them)");
        }
        if (labelColumn != null && labelColumn < 1) {
            throw new IllegalArgumentException("--label-column : " + labelColumn + " (expected: >= 1)");
        }
        if (labels != null) {
            return -1;
        }
        return labelColumn != null ? labelColumn - 1 : CsvReader.LAST_COLUMN;
    }

    private SparkSession session() {
        return PetuumPlugin.sessionBuilder("petuum lasso", master).getOrCreate();
    }
}
