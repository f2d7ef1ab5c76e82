package org.petuum.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.petuum.examples.data.RatingsData;
import org.petuum.examples.data.RatingsReader;
import org.petuum.ps.PsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench mf-vs-als}: our SGD matrix factorisation on SSP tables against Spark MLlib's ALS, in one Spark session
 * on the same split, warm-up runs first, then measured runs interleaved (the order alternates from one round to the
 * next so that neither system always runs on the other's leftovers).
 */
@Command(name = "mf-vs-als", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The MatrixFactorization estimator (default parameters; schedules ssp and rotation) "
                + "against Spark MLlib ALS (rank 10, maxIter 10, regParam 0.1) on one 90/10 split, in one Spark session.",
                "", "Prints median times, time per pass, final test RMSEs, and the ratio ALS time / our time."})
final class MfVsAlsCommand implements Callable<Integer> {

    /** Jester 5k, where the project keeps its shared data: relative to the working directory. */
    static final String DEFAULT_INPUT = "../shared/data/jester5k/jester5k_ratings.tsv";
    static final double TEST_FRACTION = 0.1;

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE", description = "Ratings: 'user item rating [timestamp]' per line "
            + "(default: ${DEFAULT-VALUE}, relative to the working directory).", defaultValue = DEFAULT_INPUT)
    Path input;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Unmeasured runs of each system first, for JIT and Spark start-up (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
            description = "Measured runs of each system, interleaved; the table shows medians (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED",
            description = "Seed of the split and of ALS; MF uses its default options (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (warmup < 0 || warmup > 100) {
            throw new IllegalArgumentException("--warmup : " + warmup + " (expected: 0 <= value <= 100)");
        }
        if (repeats < 1 || repeats > 100) {
            throw new IllegalArgumentException("--repeats : " + repeats + " (expected: 1 <= value <= 100)");
        }
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("--input : " + input + " is not a file (resolved to "
                    + input.toAbsolutePath().normalize() + "; the default is the Jester 5k ratings, relative to the "
                    + "working directory); pass --input FILE with 'user item rating' lines");
        }
        out.println("command: bin/bench " + commandLine());
        out.println("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));

        RatingsData data = RatingsReader.read(input);
        RatingsData.Split split = data.split(TEST_FRACTION, seed);

        SparkSession spark = BenchSession.create("petuum bench mf-vs-als", master);
        try {
            int workers = PsContext.get(spark).taskSlots();
            out.printf(Locale.ROOT, "Spark %s (Scala %s), master %s, %d task slot(s); JVM: %d core(s), Java %s (%s), "
                            + "max heap %d MiB%n", spark.version(), scala.util.Properties.versionNumberString(),
                    spark.sparkContext().master(), workers, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), System.getProperty("java.vm.name"),
                    Runtime.getRuntime().maxMemory() >> 20);
            out.printf(Locale.ROOT, "load average (1 min, this JVM included) at the start: %s%n", loadAverage());
            out.printf(Locale.ROOT, "data: %s: %,d ratings of %,d users and %,d items; split %.0f/%.0f with seed %d: "
                            + "%,d train, %,d test%n", input.getFileName(), data.size(), data.numUsers(), data.numItems(),
                    100 * (1 - TEST_FRACTION), 100 * TEST_FRACTION, seed, split.train().size(), split.test().size());

            AlsBaseline als = AlsBaseline.prepare(spark, split.train(), split.test(), seed);
            List<MfContender> mf = List.of(new MfContender(als.train(), als.test(), "ssp", workers),
                    new MfContender(als.train(), als.test(), "rotation", workers));
            for (MfContender c : mf) {
                out.println("MF (ours): " + c.settings());
            }
            out.println("MLlib ALS: " + als.settings());
            out.flush();

            for (int i = 1; i <= warmup; i++) {
                for (MfContender c : mf) {
                    out.printf(Locale.ROOT, "warm-up %d/%d: %s%n", i, warmup, describe(c, c.run()));
                }
                out.printf(Locale.ROOT, "warm-up %d/%d: %s%n", i, warmup, describe(als.run()));
                out.flush();
            }
            List<List<MfContender.Run>> mfRuns = new ArrayList<>();
            for (int c = 0; c < mf.size(); c++) {
                mfRuns.add(new ArrayList<>());
            }
            List<AlsBaseline.Run> alsRuns = new ArrayList<>();
            for (int r = 1; r <= repeats; r++) {
                boolean mfFirst = r % 2 == 1;
                if (!mfFirst) {
                    alsRuns.add(measured(als::run));
                }
                for (int c = 0; c < mf.size(); c++) {
                    mfRuns.get(c).add(measured(mf.get(c)::run));
                }
                if (mfFirst) {
                    alsRuns.add(measured(als::run));
                }
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < mf.size(); c++) {
                    line.append(describe(mf.get(c), mfRuns.get(c).get(r - 1))).append("; ");
                }
                out.printf(Locale.ROOT, "run %d/%d (%s first): %s%s%n", r, repeats, mfFirst ? "MF" : "ALS", line,
                        describe(alsRuns.get(r - 1)));
                out.flush();
            }
            new MfVsAlsReport(mf, mfRuns, alsRuns).print(out);
            out.printf(Locale.ROOT, "load average (1 min, this JVM included) at the end: %s%n", loadAverage());
            return 0;
        } finally {
            spark.stop();
        }
    }

    /**
     * Runs one measured run after a full collection: in local mode Spark's executors share this JVM, so the previous
     * run's garbage would otherwise be collected on the next run's time.
     */
    private static <T> T measured(Supplier<T> run) {
        System.gc();
        return run.get();
    }

    /** The system's one-minute load average, or "n/a" where the platform has none. */
    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
    }

    private static String describe(MfContender c, MfContender.Run r) {
        return String.format(Locale.ROOT, "MF %s %.2f s (training %.2f s), test RMSE %.4f", c.schedule(),
                r.wallSeconds(), r.trainingSeconds(), r.testRmse());
    }

    private static String describe(AlsBaseline.Run r) {
        return String.format(Locale.ROOT, "ALS %.2f s (fit %.2f s + eval %.2f s), test RMSE %.4f", r.totalSeconds(),
                r.fitSeconds(), r.evalSeconds(), r.testRmse());
    }

    /** The arguments as given, quoted where a shell would need it, so that the line can be pasted back. */
    private String commandLine() {
        List<String> args = spec.root().commandLine().getParseResult().originalArgs();
        return args.stream().map(a -> a.isEmpty() || a.matches(".*[^A-Za-z0-9_./:=,@%+-].*")
                ? "'" + a.replace("'", "'\\''") + "'" : a).collect(Collectors.joining(" "));
    }
}
