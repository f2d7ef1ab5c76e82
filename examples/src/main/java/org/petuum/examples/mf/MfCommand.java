package org.petuum.examples.mf;

import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.petuum.examples.data.GeneratedRatings;
import org.petuum.examples.data.RatingsFrames;
import org.petuum.examples.report.ConvergenceReport;
import org.petuum.ml.recommendation.MatrixFactorization;
import org.petuum.ml.recommendation.MatrixFactorizationModel;
import org.petuum.ps.PetuumPlugin;
import org.petuum.ps.PsContext;
import org.petuum.ps.ShardAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code petuum mf}: the command line of {@link MatrixFactorization}. Reads ratings, splits off a test set (or
 * takes {@code --test FILE}), fits the estimator and writes the model, a convergence table and chart.
 *
 * <p>The ratings never pass through the driver: a file is parsed in Spark's tasks ({@link RatingsFrames}), generated
 * data is generated in them ({@link GeneratedRatings}), the split is drawn there, and only counts, the errors and the
 * model come back. A missing file fails before Spark starts; a malformed line fails the first job, before training.
 */
@Command(name = "mf", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Matrix factorisation by SGD in the Petuum style (the MatrixFactorization estimator): item "
                + "factors live in a parameter-server table; user factors stay with the worker that owns the user.",
                "", "With no --input, trains on generated low-rank data with known noise."})
public final class MfCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Ratings: 'user item rating [timestamp]' per line, separated by tabs, commas, spaces or '::'.")
    Path input;

    @Option(names = "--test", paramLabel = "FILE",
            description = "Test ratings in the same format (a given split); without it --test-fraction of --input "
                    + "is held out.")
    Path testInput;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Where to write the model (Spark ML layout under model/), convergence.csv and convergence.png.")
    String output;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--rank", description = "Factors per user and item (default: 10).")
    Integer rank;

    @Option(names = "--passes", description = "Passes over the training data, maxIter (default: the estimator's).")
    Integer passes;

    @Option(names = "--step-size", description = "SGD step size of the first pass on standardised ratings "
            + "(default: the estimator's).")
    Double stepSize;

    @Option(names = "--step-decay", description = "Step size multiplier per pass (default: the estimator's).")
    Double stepDecay;

    @Option(names = "--reg-param", description = "L2 regularisation, regParam (default: the estimator's).")
    Double regParam;

    @Option(names = "--schedule", description = "ssp or rotation (default: the estimator's, ssp).")
    String schedule;

    @Option(names = "--staleness", description = "SSP staleness of the item table; 0 is BSP (default: the estimator's).")
    Integer staleness;

    @Option(names = "--workers", paramLabel = "N", description = "Workers (default: every task slot of the cluster).")
    Integer workers;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the split, the initial factors and the order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "Share of ratings held out for testing (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--gen-users", defaultValue = "3000", description = "Generated data: users (default: ${DEFAULT-VALUE}).")
    int genUsers;

    @Option(names = "--gen-items", defaultValue = "500", description = "Generated data: items (default: ${DEFAULT-VALUE}).")
    int genItems;

    @Option(names = "--gen-rank", defaultValue = "5", description = "Generated data: true rank (default: ${DEFAULT-VALUE}).")
    int genRank;

    @Option(names = "--gen-density", defaultValue = "0.2", description = "Generated data: share of the items each user rates (default: ${DEFAULT-VALUE}).")
    double genDensity;

    @Option(names = "--gen-noise", defaultValue = "0.5", description = "Generated data: noise standard deviation (default: ${DEFAULT-VALUE}).")
    double genNoise;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        MatrixFactorization mf = estimator();
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction : " + testFraction + " (expected: 0 < value < 1)");
        }
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("--workers : " + workers + " (expected: >= 1)");
        }
        if (testInput != null && input == null) {
            throw new IllegalArgumentException("--test needs --input (the training ratings)");
        }
        if (input != null) {
            RatingsFrames.exists(input);
            if (testInput != null) {
                RatingsFrames.exists(testInput);
            }
        } else {
            checkGenerated();
        }

        SparkSession spark = PetuumPlugin.sessionBuilder("petuum mf", master).getOrCreate();
        try {
            MfOutput target = output == null ? null
                    : MfOutput.prepare(output, spark.sparkContext().hadoopConfiguration());
            PsContext ps = PsContext.get(spark);
            int w = workers != null ? workers : ps.taskSlots();
            if (w > ps.taskSlots()) {
                throw new IllegalArgumentException("--workers : " + w + " (expected: 1 <= workers <= "
                        + ps.taskSlots() + ", the task slots of this cluster)");
            }
            mf.setNumWorkers(w);
            Frames data = input != null ? read(spark, out) : generate(spark, out, ps.taskSlots());
            out.printf(Locale.ROOT, "training rank %d on %d worker(s) with %d shard(s) on executor(s) %s, %s, %d passes%n",
                    mf.getRank(), w, ps.shards().size(), ps.shards().stream().map(ShardAddress::executorId).toList(),
                    mf.getSchedule().equals("rotation") ? "rotation"
                            : mf.getStaleness() == 0 ? "BSP" : "SSP(" + mf.getStaleness() + ")", mf.getMaxIter());
            try {
                MatrixFactorizationModel model = mf.fit(data.train());
                RegressionEvaluator rmse = new RegressionEvaluator().setLabelCol("rating").setMetricName("rmse");
                double trainRmse = rmse.evaluate(model.transform(data.train()));
                double testRmse = rmse.evaluate(model.setColdStartStrategy("drop").transform(data.test()));
                ConvergenceReport report = report(model.summary(), trainRmse, testRmse, data.trainSize());
                for (ConvergenceReport.Row row : report.rows()) {
                    out.println(report.progressLine(row));
                }
                if (data.noise() != null) {
                    out.printf(Locale.ROOT, "noise level %.4f; test RMSE is %.1f%% above it%n", data.noise(),
                            100 * (testRmse / data.noise() - 1));
                }
                if (target != null) {
                    RatingsFrames.Counts all = data.all();
                    target.write(model, report, new MfOutput.Facts(input == null ? "generated" : input.toString(),
                            Math.toIntExact(all.users()), Math.toIntExact(all.items()),
                            Math.toIntExact(all.ratings()), trainRmse, testRmse, model.summary().seconds()), mf);
                    out.println("model written to " + target.location());
                }
                out.printf(Locale.ROOT, "final train RMSE %.4f%n", trainRmse);
                out.printf(Locale.ROOT, "final test RMSE %.4f%n", testRmse);
                return 0;
            } finally {
                data.train().unpersist();
                data.test().unpersist();
            }
        } finally {
            spark.stop();
        }
    }

    /**
     * The training and test ratings, cached on the executors, with the sizes the summary and model.json report.
     *
     * @param all       ratings, users and items of the whole input (training and, without --test, held-out ratings)
     * @param trainSize ratings in {@code train}
     * @param noise     the noise level of generated data, or {@code null} for a file
     */
    private record Frames(Dataset<Row> train, Dataset<Row> test, RatingsFrames.Counts all, long trainSize,
                          Double noise) {
    }

    /** Reads --input (and --test) in Spark's tasks; without --test, holds out a seeded random share of --input. */
    private Frames read(SparkSession spark, PrintWriter out) {
        Dataset<Row> ratings = RatingsFrames.read(spark, input);
        if (testInput != null) {
            Dataset<Row> train = ratings.cache();
            RatingsFrames.Counts all = RatingsFrames.counts(train, input);
            out.printf(Locale.ROOT, "read %,d ratings of %,d users and %,d items from %s%n", all.ratings(),
                    all.users(), all.items(), input);
            Dataset<Row> test = RatingsFrames.read(spark, testInput).cache();
            long tested = RatingsFrames.counts(test, testInput).ratings();
            out.printf(Locale.ROOT, "read %,d test ratings from %s%n", tested, testInput);
            return new Frames(train, test, all, all.ratings(), null);
        }
        Dataset<Row> cached = ratings.cache();
        try {
            RatingsFrames.Counts all = RatingsFrames.counts(cached, input);
            out.printf(Locale.ROOT, "read %,d ratings of %,d users and %,d items from %s%n", all.ratings(),
                    all.users(), all.items(), input);
            return split(cached, all);
        } finally {
            cached.unpersist();
        }
    }

    /** Generates the ratings in Spark's tasks ({@link GeneratedRatings}); each is held out with --test-fraction. */
    private Frames generate(SparkSession spark, PrintWriter out, int partitions) {
        GeneratedRatings g = GeneratedRatings.of(genUsers, genItems, genRank, genDensity, genNoise, testFraction, seed,
                partitions);
        Dataset<Row> all = g.all(spark).cache();
        try {
            RatingsFrames.Counts counts = RatingsFrames.counts(all, null);
            out.printf(Locale.ROOT, "generated %,d ratings of %,d users and %,d items (true rank %d, noise %.3f)%n",
                    counts.ratings(), counts.users(), counts.items(), genRank, genNoise);
            Dataset<Row> train = all.filter(col("test").equalTo(false)).drop("test").cache();
            Dataset<Row> test = all.filter(col("test")).drop("test").cache();
            long trainSize = train.count();
            test.count();
            return new Frames(train, test, counts, trainSize, genNoise);
        } finally {
            all.unpersist();
        }
    }

    /** A seeded random split on the executors: the same input, seed and partitioning give the same split. */
    private Frames split(Dataset<Row> ratings, RatingsFrames.Counts all) {
        Dataset<Row>[] parts = ratings.randomSplit(new double[] {1 - testFraction, testFraction}, seed);
        Dataset<Row> train = parts[0].cache();
        Dataset<Row> test = parts[1].cache();
        long trainSize = train.count();
        test.count();
        return new Frames(train, test, all, trainSize, null);
    }

    /**
     * One row per pass: the training RMSE as that pass's steps were taken, and the test RMSE of the final model on
     * the last row (the estimator does not see the test set while it trains).
     */
    private static ConvergenceReport report(MatrixFactorizationModel.Summary s, double trainRmse, double testRmse,
                                            long ratings) {
        int passes = s.trainRmsePerPass().length;
        ConvergenceReport report = new ConvergenceReport(passes);
        for (int p = 0; p < passes; p++) {
            boolean last = p == passes - 1;
            double elapsed = s.passEndSeconds()[p];
            report.add(p + 1, last ? trainRmse : s.trainRmsePerPass()[p], last ? testRmse : Double.NaN, elapsed,
                    elapsed > 0 ? ratings * (p + 1) / elapsed : 0);
        }
        return report;
    }

    /** The estimator with the options given; a value out of range fails naming the option and its range. */
    private MatrixFactorization estimator() {
        MatrixFactorization mf = new MatrixFactorization().setSeed(seed);
        option("--rank", rank, mf::setRank);
        option("--passes", passes, mf::setMaxIter);
        option("--step-size", stepSize, mf::setStepSize);
        option("--step-decay", stepDecay, mf::setStepDecay);
        option("--reg-param", regParam, mf::setRegParam);
        option("--schedule", schedule, mf::setSchedule);
        option("--staleness", staleness, mf::setStaleness);
        return mf;
    }

    /**
     * Sets a parameter from an option, if given. The parameter's validator says {@code name : v (expected: a <= name
     * <= b)}; the user typed an option, so the message names the option and calls the bound "value".
     */
    private static <T> void option(String option, T value, java.util.function.Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            String param = m.substring(0, m.indexOf(" : "));
            String expected = m.substring(m.indexOf("(expected: ")).replace(" " + param + " ", " value ");
            throw new IllegalArgumentException(option + " : " + typed(value) + " " + expected, e);
        }
    }

    /** The value as the user would have typed it: no ".0" on whole numbers. */
    private static String typed(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }

    private void checkGenerated() {
        if (genUsers < 2 || genItems < 2) {
            throw new IllegalArgumentException("--gen-users, --gen-items : " + genUsers + ", " + genItems
                    + " (expected: >= 2 each)");
        }
        if (genRank < 1 || genRank > Math.min(genUsers, genItems)) {
            throw new IllegalArgumentException("--gen-rank : " + genRank + " (expected: 1 <= value <= "
                    + Math.min(genUsers, genItems) + ")");
        }
        if (!(genDensity > 0 && genDensity <= 1)) {
            throw new IllegalArgumentException("--gen-density : " + genDensity + " (expected: 0 < value <= 1)");
        }
        if (!(genNoise >= 0 && genNoise <= 100)) {
            throw new IllegalArgumentException("--gen-noise : " + genNoise + " (expected: 0 <= value <= 100)");
        }
    }
}
