package org.petuum.bench.lr;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.petuum.bench.BenchSession;
import org.petuum.bench.RunFacts;
import org.petuum.ml.classification.LogisticRegression;
import org.petuum.ml.classification.LogisticRegressionModel;
import org.petuum.ps.PsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench lr}: our {@code LogisticRegression} on SSP tables against MLlib's {@code LogisticRegression}
 * (L-BFGS) in one Spark session, on the same cached partitions. MLlib fits once with its defaults and
 * {@code --mllib-max-iter} iterations; ours climbs a ladder of pass counts, each a fresh fit with the library
 * defaults, until it reaches MLlib's result: on a9a (and w8a, usps) MLlib's final training objective within
 * {@code --tolerance}, on news20 MLlib's test accuracy. Prints each fit and the time ratio.
 */
@Command(name = "lr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Logistic regression on SSP tables against Spark MLlib LogisticRegression, side by side in one "
                + "Spark session: a9a -> a9a.t (binomial; target: MLlib's final training objective) and news20 "
                + "80/20 (multinomial; target: MLlib's test accuracy).", "",
                "Each of our fits is a fresh fit with the defaults and maxIter from --ladder; the time to the target "
                        + "is that of the first fit that reaches it."})
public final class LrBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "../shared/data",
            description = "Folder holding a9a/, news20/, w8a/, usps/ (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--datasets", split = ",", paramLabel = "NAME", defaultValue = "a9a,news20",
            description = "a9a, news20, w8a, usps (default: ${DEFAULT-VALUE}).")
    List<String> datasets;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--mllib-max-iter", defaultValue = "100", paramLabel = "N",
            description = "MLlib's maxIter (default: ${DEFAULT-VALUE}, its default).")
    int mllibMaxIter;

    @Option(names = "--ladder", split = ",", paramLabel = "N", defaultValue = "1,2,4,8,16,32,64",
            description = "Our maxIter (passes) values, tried in order (default: ${DEFAULT-VALUE}).")
    List<Integer> ladder;

    @Option(names = "--tolerance", defaultValue = "1e-3", paramLabel = "T",
            description = "Objective targets count as reached within a relative T of MLlib's (default: "
                    + "${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--step-size", split = ",", paramLabel = "S", description = "Our stepSize; with several "
            + "values (of this and the next two options) every combination climbs the ladder (default: the "
            + "estimator's).")
    List<Double> stepSizes;

    @Option(names = "--mini-batch-fraction", split = ",", paramLabel = "F",
            description = "Our miniBatchFraction (default: the estimator's).")
    List<Double> fractions;

    @Option(names = "--optimizer", split = ",", paramLabel = "NAME",
            description = "Our optimizer (default: the estimator's).")
    List<String> optimizers;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the 80/20 splits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String d : datasets) {
            if (!List.of("a9a", "news20", "w8a", "usps").contains(d)) {
                throw new ParameterException(spec.commandLine(), "--datasets : " + d + " (expected: a9a, news20, "
                        + "w8a, usps)");
            }
        }
        out.println("command: " + RunFacts.commandLine(spec));
        out.println("date: " + RunFacts.now());
        SparkSession spark = BenchSession.create("petuum bench lr", master);
        try {
            PsContext ps = PsContext.get(spark);
            int workers = ps.taskSlots();
            out.printf(Locale.ROOT, "Spark %s, master %s, %d task slot(s); JVM: %s%n", spark.version(),
                    spark.sparkContext().master(), workers, RunFacts.jvm());
            out.printf(Locale.ROOT, "ours: staleness %d, %d workers, tol 0; MLlib: L-BFGS, maxIter %d, tol 1e-6; both "
                    + "regParam 0, standardization, intercept%n", ours(1).getStaleness(), workers, mllibMaxIter);
            out.flush();
            for (String name : datasets) {
                Dataset<Row>[] split = load(spark, name, workers);
                measure(out, name, split[0], split[1], !name.equals("news20"));
            }
        } finally {
            spark.stop();
        }
        return 0;
    }

    private static LogisticRegression ours(int passes) {
        return new LogisticRegression().setMaxIter(passes).setTol(0);
    }

    /** Every combination of the given step rules, step sizes and fractions (the defaults where none is given). */
    private List<LogisticRegression> variants() {
        LogisticRegression d = ours(1);
        List<LogisticRegression> out = new ArrayList<>();
        for (String o : optimizers == null ? List.of(d.getOptimizer()) : optimizers) {
            for (double s : stepSizes == null ? List.of(d.getStepSize()) : stepSizes) {
                for (double f : fractions == null ? List.of(d.getMiniBatchFraction()) : fractions) {
                    out.add(ours(1).setOptimizer(o).setStepSize(s).setMiniBatchFraction(f));
                }
            }
        }
        return out;
    }

    private void measure(PrintWriter out, String name, Dataset<Row> train, Dataset<Row> test, boolean byObjective) {
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        // Unmeasured short fits of both first: JIT compilation and Spark's first jobs are nobody's cost.
        new org.apache.spark.ml.classification.LogisticRegression().setMaxIter(5).fit(train);
        ours(1).fit(train);
        long start = System.nanoTime();
        org.apache.spark.ml.classification.LogisticRegressionModel mllib =
                new org.apache.spark.ml.classification.LogisticRegression().setMaxIter(mllibMaxIter).fit(train);
        double mllibSeconds = seconds(start);
        double mllibObjective = new LrObjective(mllib.coefficientMatrix(), mllib.interceptVector()).meanLoss(train);
        double mllibAccuracy = accuracy.evaluate(mllib.transform(test));
        out.printf(Locale.ROOT, "%s: %,d train / %,d test rows; MLlib %d iterations: %.2f s, objective %.6f, test "
                        + "accuracy %.4f; target: %s%n", name, train.count(), test.count(),
                mllib.summary().totalIterations(), mllibSeconds, mllibObjective, mllibAccuracy,
                byObjective ? String.format(Locale.ROOT, "objective <= %.6f", mllibObjective * (1 + tolerance))
                        : String.format(Locale.ROOT, "test accuracy >= %.4f", mllibAccuracy));
        for (LogisticRegression variant : variants()) {
            climb(out, name, train, test, byObjective, variant, mllibSeconds, mllibObjective, mllibAccuracy);
        }
    }

    private void climb(PrintWriter out, String name, Dataset<Row> train, Dataset<Row> test, boolean byObjective,
                       LogisticRegression variant, double mllibSeconds, double mllibObjective, double mllibAccuracy) {
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        out.printf(Locale.ROOT, "  ours: optimizer %s, stepSize %s, miniBatchFraction %s%n", variant.getOptimizer(),
                variant.getStepSize(), variant.getMiniBatchFraction());
        out.println("  passes   seconds  objective  test acc");
        out.flush();
        double reached = Double.POSITIVE_INFINITY;
        for (int passes : ladder) {
            long start = System.nanoTime();
            LogisticRegressionModel model = variant.copy(new ParamMap()).setMaxIter(passes).fit(train);
            double secs = seconds(start);
            double objective = new LrObjective(model.coefficientMatrix(), model.interceptVector()).meanLoss(train);
            double acc = accuracy.evaluate(model.transform(test));
            boolean ok = byObjective ? objective <= mllibObjective * (1 + tolerance) : acc >= mllibAccuracy;
            out.printf(Locale.ROOT, "  %6d  %8.2f  %9.6f  %8.4f%s%n", passes, secs, objective, acc,
                    ok ? "  reached" : "");
            out.flush();
            if (ok) {
                reached = secs;
                break;
            }
        }
        if (Double.isInfinite(reached)) {
            out.printf(Locale.ROOT, "  %s: ours did not reach the target within the ladder%n", name);
        } else {
            out.printf(Locale.ROOT, "  %s: time to target: ours %.2f s, MLlib %.2f s, MLlib/ours %.2fx%n", name,
                    reached, mllibSeconds, mllibSeconds / reached);
        }
        out.flush();
    }

    /** Train and test sets, labels {@code 0 .. K-1}, in {@code workers} cached partitions. */
    private Dataset<Row>[] load(SparkSession spark, String name, int workers) {
        Dataset<Row>[] split = switch (name) {
            case "a9a" -> new Dataset[] {binary(libsvm(spark, "a9a/a9a", 123)), binary(libsvm(spark, "a9a/a9a.t", 123))};
            case "news20" -> libsvm(spark, "news20/news20.bz2", 62_061).withColumn("label", col("label").minus(1))
                    .randomSplit(new double[] {0.8, 0.2}, seed);
            case "w8a" -> binary(libsvm(spark, "w8a/w8a", 300)).randomSplit(new double[] {0.8, 0.2}, seed);
            default -> libsvm(spark, "usps/zip_train.libsvm.gz", 256).randomSplit(new double[] {0.8, 0.2}, seed);
        };
        Dataset<Row> train = split[0].repartition(workers).cache();
        Dataset<Row> test = split[1].cache();
        train.count();
        test.count();
        return new Dataset[] {train, test};
    }

    private Dataset<Row> libsvm(SparkSession spark, String file, int numFeatures) {
        Path p = dataDir.resolve(file);
        if (!Files.exists(p)) {
            throw new ParameterException(spec.commandLine(), "--data-dir : no " + p.toAbsolutePath());
        }
        return spark.read().format("libsvm").option("numFeatures", numFeatures).load(p.toString());
    }

    private static Dataset<Row> binary(Dataset<Row> d) {
        return d.withColumn("label", when(col("label").lt(0), 0.0).otherwise(1.0));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
