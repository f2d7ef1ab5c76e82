package org.petuum.bench.ssp;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.petuum.bench.BenchSession;
import org.petuum.bench.ModelOptions;
import org.petuum.bench.RunFacts;
import org.petuum.examples.data.RatingsData;
import org.petuum.examples.data.RatingsReader;
import org.petuum.ps.PsContext;
import org.petuum.ssp.Consistency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench ssp-straggler}: the SSP thesis on matrix factorisation. The same training ({@link MfJob}) under each
 * consistency model of the item table, with and without one straggler (worker 0, slowed down by sleeping after its
 * work of each clock), in one Spark session; how long each takes to reach a fixed test RMSE.
 */
@Command(name = "ssp-straggler", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Matrix factorisation (MfJob) under each consistency model, with and without one straggler "
                + "worker, in one Spark session: time to a fixed test RMSE.",
                "", "Prints, per model, the median time to the target with and without the straggler, and ratios to "
                + "BSP (the first model given)."})
public final class SspStragglerCommand implements Callable<Integer> {

    /** Jester 5k, where the project keeps its shared data: relative to the working directory. */
    static final String DEFAULT_INPUT = "../shared/data/jester5k/jester5k_ratings.tsv";
    static final double TEST_FRACTION = 0.1;

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE", defaultValue = DEFAULT_INPUT,
            description = "Ratings: 'user item rating [timestamp]' per line (default: ${DEFAULT-VALUE}, relative to "
                    + "the working directory).")
    Path input;

    @Option(names = "--master", paramLabel = "URL", defaultValue = "local[3]",
            description = "Spark master (default: ${DEFAULT-VALUE}; more task slots than cores is fine here: the "
                    + "straggler sleeps).")
    String master;

    @Option(names = "--workers", paramLabel = "N",
            description = "Workers (default: every task slot of the master).")
    Integer workers;

    @Option(names = "--models", paramLabel = "LIST", split = ",", defaultValue = "BSP,SSP(1),SSP(3),ASYNC",
            description = "Consistency models of the item table, as Consistency.parse reads them; the first is the "
                    + "reference for the target and the ratios (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--slowdown", paramLabel = "X", defaultValue = "2",
            description = "The straggler's slowdown: after its work of a clock, worker 0 sleeps (X - 1) times as "
                    + "long as that work took (default: ${DEFAULT-VALUE}).")
    double slowdown;

    @Option(names = "--target-rmse", paramLabel = "RMSE",
            description = "The test RMSE to reach (default: the reference model's median test RMSE at its last "
                    + "clock without the straggler, plus --target-slack).")
    Double targetRmse;

    @Option(names = "--target-slack", paramLabel = "FRACTION", defaultValue = "0.01",
            description = "The default target is this fraction above the reference's final test RMSE "
                    + "(default: ${DEFAULT-VALUE}).")
    double targetSlack;

    @Option(names = "--clocks", paramLabel = "N", defaultValue = "50",
            description = "Clocks of each run (default: ${DEFAULT-VALUE}, MfOptions' default).")
    int clocks;

    @Option(names = "--clocks-per-pass", paramLabel = "N", defaultValue = "5",
            description = "Clocks per pass over the ratings; fewer means more work per clock "
                    + "(default: ${DEFAULT-VALUE}, MfOptions' default).")
    int clocksPerPass;

    @Option(names = "--rank", paramLabel = "N", defaultValue = "10",
            description = "Factors per user and item (default: ${DEFAULT-VALUE}, MfOptions' default).")
    int rank;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Unmeasured rounds first, for JIT and Spark start-up (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
            description = "Measured rounds; each runs every model with and without the straggler, the order "
                    + "rotating (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED",
            description = "Seed of the split and of the training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-v", "--verbose"}, description = "Print every clock as it completes.")
    boolean verbose;

    /** One column of the experiment: a model, with or without the straggler. */
    record Setting(Consistency model, boolean straggler) {
        String label() {
            return model + (straggler ? " + straggler" : "");
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Consistency> parsed = ModelOptions.parse(models);
        ModelOptions.checkRange("--warmup", warmup, 0, 100);
        ModelOptions.checkRange("--repeats", repeats, 1, 100);
        if (!(slowdown > 1 && slowdown <= 100)) {
            throw new IllegalArgumentException("--slowdown : " + slowdown + " (expected: 1 < value <= 100)");
        }
        if (!(targetSlack >= 0 && targetSlack <= 1)) {
            throw new IllegalArgumentException("--target-slack : " + targetSlack + " (expected: 0 <= value <= 1)");
        }
        if (targetRmse != null && !(targetRmse > 0)) {
            throw new IllegalArgumentException("--target-rmse : " + targetRmse + " (expected: > 0)");
        }
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("--input : " + input + " is not a file (resolved to "
                    + input.toAbsolutePath().normalize() + "; the default is the Jester 5k ratings, relative to the "
                    + "working directory); pass --input FILE with 'user item rating' lines");
        }
        MfOptions base = MfOptions.defaults();
        base = new MfOptions(rank, base.learningRate(), base.decay(), base.lambda(), clocks, clocksPerPass,
                base.staleness(), seed);
        out.println("command: " + RunFacts.commandLine(spec));
        out.println("date: " + RunFacts.now());

        RatingsData data = RatingsReader.read(input);
        RatingsData.Split split = data.split(TEST_FRACTION, seed);
        SparkSession spark = BenchSession.create("petuum bench ssp-straggler", master);
        try {
            int slots = PsContext.get(spark).taskSlots();
            int n = workers == null ? slots : workers;
            if (n < 2 || n > slots) {
                throw new IllegalArgumentException("--workers : " + n + " (expected: 2 <= workers <= " + slots
                        + ", the task slots of " + master + ")");
            }
            out.printf(Locale.ROOT, "Spark %s (Scala %s), master %s, %d task slot(s); JVM: %s%n", spark.version(),
                    scala.util.Properties.versionNumberString(), spark.sparkContext().master(), slots, RunFacts.jvm());
            out.println("load average at the start: " + RunFacts.loadAverage());
            out.printf(Locale.ROOT, "data: %s: %,d ratings of %,d users and %,d items; split %.0f/%.0f with seed %d: "
                            + "%,d train, %,d test%n", input.getFileName(), data.size(), data.numUsers(), data.numItems(),
                    100 * (1 - TEST_FRACTION), 100 * TEST_FRACTION, seed, split.train().size(), split.test().size());
            out.printf(Locale.ROOT, "MF: rank %d, %d clocks of %d per pass, learning rate %s decaying by %s per pass, "
                            + "lambda %s, %d workers; straggler: worker 0, slowed down %s× (sleeps %s× its work of "
                            + "each clock, before ending the clock)%n", base.rank(), base.clocks(), base.clocksPerPass(),
                    base.learningRate(), base.decay(), base.lambda(), n, slowdown, slowdown - 1);
            out.flush();

            List<Setting> settings = new ArrayList<>();
            for (Consistency model : parsed) {
                settings.add(new Setting(model, false));
                settings.add(new Setting(model, true));
            }
            Map<Setting, List<StragglerRun>> runs = new LinkedHashMap<>();
            settings.forEach(s -> runs.put(s, new ArrayList<>()));
            for (int round = 1 - warmup; round <= repeats; round++) {
                for (int k = 0; k < settings.size(); k++) {
                    Setting s = settings.get(Math.floorMod(k + round, settings.size()));
                    MfOptions options = base.withConsistency(s.model()).withStragglerSlowdown(s.straggler() ? slowdown : 1);
                    Consumer<String> clockLine = verbose ? line -> out.println("  " + s.label() + " " + line) : line -> { };
                    System.gc();
                    MfJob.Result r = MfJob.run(spark, split.train(), split.test(), options, n, clockLine);
                    StragglerRun run = new StragglerRun(s.model(), options.stragglerSlowdown(), r.seconds(),
                            r.finalTestRmse(), r.report().rows());
                    out.printf(Locale.ROOT, "%s %d: %s: %d clocks in %.2f s, last clock's test RMSE %.4f, final %.4f%n",
                            round <= 0 ? "warm-up" : "round", round <= 0 ? round + warmup : round, s.label(),
                            run.clocks().size(), run.trainingSeconds(), run.lastClockTestRmse(), run.testRmse());
                    out.flush();
                    if (round > 0) {
                        runs.get(s).add(run);
                    }
                }
            }
            new SspStragglerReport(settings, runs, targetRmse, targetSlack).print(out);
            out.println("load average at the end: " + RunFacts.loadAverage());
            return 0;
        } finally {
            spark.stop();
        }
    }
}
