package org.petuum.bench.lasso;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.petuum.bench.BenchSession;
import org.petuum.examples.data.LibsvmReader;
import org.petuum.examples.data.RegressionData;
import org.petuum.ps.PsContext;
import org.petuum.ml.regression.LassoParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench lasso}: scheduled coordinate descent (dynamic and random schedules) against Spark MLlib's
 * {@code LinearRegression} with an L1 penalty, on the same data and lambda in one Spark session: how many coordinate
 * updates and how much time each needs to first get within a relative gap of the optimum, and what a round of the
 * schedule, push, pull protocol costs.
 */
@Command(name = "lasso", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scheduled Lasso (dynamic and random schedules) against Spark MLlib LinearRegression "
                + "(elasticNetParam 1) on arcene, leukemia-golub and a generated sparse problem, in one Spark session.",
                "", "Prints, per data set, the coordinate updates and the time each system needs to first reach a "
                + "relative objective gap (F - F*)/F* of --gap, the ratios random/dynamic and MLlib/dynamic, and the "
                + "round protocol's overhead per round."})
public final class LassoBenchCommand implements Callable<Integer> {

    static final String DEFAULT_DATA_DIR = "../shared/data";
    static final String ARCENE = "arcene";
    static final String GOLUB = "leukemia-golub";
    static final String GENERATED = "generated";

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = DEFAULT_DATA_DIR, description = "Folder holding "
            + "arcene/arcene_train.libsvm.gz and leukemia-golub/golub_train.libsvm (default: ${DEFAULT-VALUE}, "
            + "relative to the working directory).")
    Path dataDir;

    @Option(names = "--datasets", paramLabel = "NAME", split = ",", defaultValue = "arcene,leukemia-golub,generated",
            description = "Which data sets, comma separated: arcene, leukemia-golub, generated (default: "
                    + "${DEFAULT-VALUE}).")
    List<String> datasets;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--lambda-ratio", defaultValue = "0.1", paramLabel = "R",
            description = "lambda = R * lambda_max on every data set (default: ${DEFAULT-VALUE}).")
    double lambdaRatio;

    @Option(names = "--gap", defaultValue = "1e-3", paramLabel = "G",
            description = "The target relative objective gap (F - F*)/F* (default: ${DEFAULT-VALUE}).")
    double gap;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
            description = "Measured runs of each of our variants per data set, interleaved; tables show medians "
                    + "(default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N", description = "Unmeasured runs of every "
            + "system on a small generated problem first, for JIT and Spark start-up (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--candidates", defaultValue = "0", paramLabel = "M",
            description = "Coordinates per round, the estimator's blockSize; 0 lets it choose from the data "
                    + "(default: ${DEFAULT-VALUE}, the estimator's default).")
    int candidates;

    @Option(names = "--thresholds", split = ",", defaultValue = "0.1,1", paramLabel = "T", description = "One dynamic "
            + "variant per value of the estimator's correlationThreshold: a block holding a pair correlated at least "
            + "this much is swept until it settles (default: ${DEFAULT-VALUE}; 0.1 is the estimator's default).")
    List<Double> thresholds;

    @Option(names = "--tolerance", defaultValue = "1e-6", paramLabel = "T", description = "Our first run of each "
            + "variant stops at a relative duality gap of T, the estimator's tol (default: ${DEFAULT-VALUE}, the "
            + "estimator's default).")
    double tolerance;

    @Option(names = "--max-rounds", defaultValue = "30000", paramLabel = "N", description = "Round limit of our "
            + "first runs; the later runs stop a little after the round where the first one reached the gap "
            + "(default: ${DEFAULT-VALUE}).")
    int maxRounds;

    @Option(names = "--mllib-max-iter", split = ",", defaultValue = "10,20,50,100,200,500", paramLabel = "N",
            description = "MLlib's maxIter ladder, tried in order until one reaches the gap "
                    + "(default: ${DEFAULT-VALUE}).")
    List<Integer> mllibLadder;

    @Option(names = "--mllib-budget", defaultValue = "60", paramLabel = "SECONDS", description = "Stop climbing "
            + "MLlib's ladder on a data set once its fits there have taken this long; the table then says which "
            + "rungs were left out (default: ${DEFAULT-VALUE}).")
    double mllibBudget;

    @Option(names = "--overhead-rounds", defaultValue = "2000", paramLabel = "N",
            description = "Rounds of the protocol-overhead run; 0 skips it (default: ${DEFAULT-VALUE}).")
    int overheadRounds;

    @Option(names = "--gen-rows", defaultValue = "2000", paramLabel = "N",
            description = "Generated problem: rows (default: ${DEFAULT-VALUE}).")
    int genRows;

    @Option(names = "--gen-features", defaultValue = "100000", paramLabel = "N",
            description = "Generated problem: features (default: ${DEFAULT-VALUE}).")
    int genFeatures;

    @Option(names = "--gen-nnz", defaultValue = "20", paramLabel = "N",
            description = "Generated problem: non-zeros per row (default: ${DEFAULT-VALUE}).")
    int genNnz;

    @Option(names = "--gen-common", defaultValue = "500", paramLabel = "N", description = "Generated problem: the "
            + "number of common features, which hold half of every row's non-zeros and the true support "
            + "(default: ${DEFAULT-VALUE}).")
    int genCommon;

    @Option(names = "--gen-support", defaultValue = "50", paramLabel = "N",
            description = "Generated problem: non-zeros of the true coefficients (default: ${DEFAULT-VALUE}).")
    int genSupport;

    @Option(names = "--gen-noise", defaultValue = "1.0", paramLabel = "S",
            description = "Generated problem: standard deviation of the label noise (default: ${DEFAULT-VALUE}).")
    double genNoise;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED",
            description = "Seed of the generated problems and of the schedules (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        validate();
        out.println("command: bin/bench " + commandLine());
        out.println("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        out.println("load average (1, 5, 15 min) at the start: " + loadAverage());

        List<LassoProblem> problems = new ArrayList<>();
        for (String name : new LinkedHashSet<>(datasets)) {
            LassoProblem p = load(name);
            out.printf(Locale.ROOT, "%s: %s; %,d rows × %,d features, %,d non-zeros; lambda_max %.6g, lambda %.6g; "
                            + "F* %.10g with %d non-zeros (reference: %,d cyclic sweeps, %.2f s, tolerance %.0e)%n",
                    p.name(), p.description(), p.rows().size(), p.features(), p.nonZeros(), p.lambdaMax(), p.lambda(),
                    p.fStar(), p.referenceSupport(), p.referenceSweeps(), p.referenceSeconds(),
                    LassoProblem.REFERENCE_TOLERANCE);
            int constant = p.constantNonZeroColumns();
            if (constant > 0) {
                out.printf(Locale.ROOT, "  %s has %d constant non-zero column(s): MLlib without intercept fixes their "
                        + "coefficients at zero, so its optimum may lie above F*%n", p.name(), constant);
            }
            problems.add(p);
        }
        out.flush();

        SparkSession spark = BenchSession.create("petuum bench lasso", master);
        try {
            PsContext ps = PsContext.get(spark);
            int workers = ps.taskSlots();
            out.printf(Locale.ROOT, "Spark %s (Scala %s), master %s, %d task slot(s); JVM: %d core(s), Java %s (%s), "
                            + "max heap %d MiB; shard server(s): %s%n", spark.version(),
                    scala.util.Properties.versionNumberString(), spark.sparkContext().master(), workers,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20, ps.shards());
            LassoParams base = baseParams();
            out.println("ours: " + workers + " workers, " + (candidates == 0 ? "automatic" : Integer.toString(candidates))
                    + " coordinates per round, relative duality "
                    + "gap " + tolerance + ", at most " + maxRounds + " rounds; variants: " + variants().stream().map(ScheduledContender.Variant::label)
                    .collect(Collectors.joining(", ")));

            LassoProcedure procedure = new LassoProcedure(out, spark, ps, workers, base, variants(), gap, repeats,
                    mllibLadder, mllibBudget);
            if (warmup > 0) {
                RegressionData small = SparseLassoGenerator.generate(500, 5_000, 20, 200, 20, 1.0, seed + 1).data();
                procedure.warmUp(warmup, LassoProblem.prepare("warm-up", "generated", small, lambdaRatio));
            }
            List<LassoBenchReport.DataSetResult> results = new ArrayList<>();
            for (LassoProblem p : problems) {
                results.add(procedure.measure(p));
            }
            RoundOverhead.Result overhead = null;
            if (overheadRounds > 0) {
                overhead = RoundOverhead.measure(spark, ps, workers, overheadRounds, seed);
                out.printf(Locale.ROOT, "round overhead run: %,d rounds, %.2f s around fit%n", overhead.rounds(),
                        overhead.fitSeconds());
            }
            new LassoBenchReport(results, overhead, gap, workers).print(out);
            out.println("load average (1, 5, 15 min) at the end: " + loadAverage());
            return 0;
        } finally {
            spark.stop();
        }
    }

    private LassoProblem load(String name) {
        switch (name) {
            case ARCENE -> {
                Path file = dataFile(ARCENE, "arcene_train.libsvm.gz");
                return LassoProblem.prepare(ARCENE, "NIPS 2003 ARCENE training set, " + file.getFileName(),
                        LibsvmReader.read(file), lambdaRatio);
            }
            case GOLUB -> {
                Path file = dataFile(GOLUB, "golub_train.libsvm");
                return LassoProblem.prepare(GOLUB, "Golub et al. 1999 leukemia training set, " + file.getFileName(),
                        LibsvmReader.read(file), lambdaRatio);
            }
            case GENERATED -> {
                SparseLassoGenerator.Generated g = SparseLassoGenerator.generate(genRows, genFeatures, genNnz,
                        genCommon, genSupport, genNoise, seed);
                return LassoProblem.prepare(GENERATED, String.format(Locale.ROOT, "seed %d, %d non-zeros per row "
                                + "(half among %d common features), true support %d, noise %.2g", seed, genNnz,
                        genCommon, genSupport, genNoise), g.data(), lambdaRatio);
            }
            default -> throw new IllegalArgumentException("--datasets : " + name + " (expected: " + ARCENE + ", "
                    + GOLUB + " or " + GENERATED + ")");
        }
    }

    private Path dataFile(String folder, String file) {
        Path p = dataDir.resolve(folder).resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("--data-dir : " + dataDir + " has no " + folder + "/" + file
                    + " (resolved to " + p.toAbsolutePath().normalize() + "); pass --data-dir DIR, or leave the data "
                    + "set out with --datasets");
        }
        return p;
    }

    /** Checks every option before anything is read or started; a bad value names its option and allowed range. */
    private void validate() {
        Set<String> known = Set.of(ARCENE, GOLUB, GENERATED);
        for (String d : datasets) {
            check(known.contains(d), "--datasets", d, "a comma-separated list of " + ARCENE + ", " + GOLUB + ", "
                    + GENERATED);
        }
        check(lambdaRatio > 0 && lambdaRatio < 1, "--lambda-ratio", lambdaRatio, "0 < value < 1");
        check(gap > 0 && gap < 1, "--gap", gap, "0 < value < 1");
        check(repeats >= 1 && repeats <= 100, "--repeats", repeats, "1 <= value <= 100");
        check(warmup >= 0 && warmup <= 100, "--warmup", warmup, "0 <= value <= 100");
        check(candidates >= 0 && candidates <= LassoParams.MAX_CANDIDATES, "--candidates", candidates,
                "0 <= value <= " + LassoParams.MAX_CANDIDATES);
        check(!thresholds.isEmpty(), "--thresholds", "empty", "at least one value");
        for (double t : thresholds) {
            check(t > 0 && t <= 1, "--thresholds", t, "0 < value <= 1");
        }
        check(tolerance > 0 && tolerance < 1, "--tolerance", tolerance, "0 < value < 1");
        check(maxRounds >= 1, "--max-rounds", maxRounds, ">= 1");
        check(!mllibLadder.isEmpty(), "--mllib-max-iter", "empty", "at least one value");
        for (int i = 0; i < mllibLadder.size(); i++) {
            check(mllibLadder.get(i) >= 1 && (i == 0 || mllibLadder.get(i) > mllibLadder.get(i - 1)),
                    "--mllib-max-iter", mllibLadder, "increasing values >= 1");
        }
        check(mllibBudget > 0, "--mllib-budget", mllibBudget, "> 0");
        check(overheadRounds >= 0, "--overhead-rounds", overheadRounds, ">= 0");
        check(genRows >= 1, "--gen-rows", genRows, ">= 1");
        check(genFeatures >= 2, "--gen-features", genFeatures, ">= 2");
        check(genNnz >= 2 && genNnz <= genFeatures, "--gen-nnz", genNnz, "2 <= value <= --gen-features");
        check(genCommon >= genNnz && genCommon <= genFeatures, "--gen-common", genCommon,
                "--gen-nnz <= value <= --gen-features");
        check(genSupport >= 1 && genSupport <= genCommon, "--gen-support", genSupport, "1 <= value <= --gen-common");
        check(genNoise >= 0 && Double.isFinite(genNoise), "--gen-noise", genNoise, "finite and >= 0");
    }

    private static void check(boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(option + " : " + value + " (expected: " + expected + ")");
        }
    }

    private LassoParams baseParams() {
        // lambda is each problem's own; 1 holds its place.
        return new LassoParams(1, false, LassoParams.Schedule.DYNAMIC, Math.max(candidates, 1), 1.0,
                LassoParams.DEFAULT_ETA_RELATIVE, tolerance, 0,
                maxRounds, seed);
    }

    /** The dynamic schedule once per threshold, then the random one. */
    private List<ScheduledContender.Variant> variants() {
        List<ScheduledContender.Variant> v = new ArrayList<>();
        for (double t : new LinkedHashSet<>(thresholds)) {
            v.add(new ScheduledContender.Variant(String.format(Locale.ROOT, "dynamic, threshold %s%s",
                    Double.toString(t), t == 0.1 ? " (defaults)" : ""), LassoParams.Schedule.DYNAMIC, t, candidates));
        }
        v.add(new ScheduledContender.Variant("rotation", LassoParams.Schedule.ROTATION, 0.1, candidates));
        v.add(new ScheduledContender.Variant("random", LassoParams.Schedule.RANDOM, 0.1, candidates));
        return v;
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or the JVM's one-minute figure elsewhere. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f (1 min)", load);
        }
    }

    /** The arguments as given, quoted where a shell would need it, so that the line can be pasted back. */
    private String commandLine() {
        List<String> args = spec.root().commandLine().getParseResult().originalArgs();
        return args.stream().map(a -> a.isEmpty() || a.matches(".*[^A-Za-z0-9_./:=,@%+-].*")
                ? "'" + a.replace("'", "'\\''") + "'" : a).collect(Collectors.joining(" "));
    }
}
