package org.petuum.bench.straggler;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.petuum.bench.BenchSession;
import org.petuum.bench.ModelOptions;
import org.petuum.bench.RunFacts;
import org.petuum.ps.PsContext;
import org.petuum.ssp.Consistency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench ssp-straggler-lr}: the SSP thesis with clocks of real work. Logistic regression by data-parallel
 * SGD ({@link LrJob}) on rows each worker generates, under each consistency model of the model table, with no
 * straggler, one worker 2× slower and one worker pausing at random clocks; how long each takes to reach a fixed
 * held-out log loss.
 */
@Command(name = "ssp-straggler-lr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Logistic regression by SGD on generated rows under each consistency model, with no "
                + "straggler, a 2x slower worker and a worker with random pauses, in one Spark session: time to a "
                + "fixed objective.",
                "", "Prints one table per straggler mode: median time to the target, clocks, ms per clock, final "
                + "objective and the speed-up over BSP (the first model given)."})
public final class StragglerLrCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--master", paramLabel = "URL", defaultValue = "local[3]",
            description = "Spark master (default: ${DEFAULT-VALUE}: more task slots than cores on purpose, so that "
                    + "the others can use the core a sleeping straggler leaves).")
    String master;

    @Option(names = "--workers", paramLabel = "N", description = "Workers (default: every task slot).")
    Integer workers;

    @Option(names = "--models", paramLabel = "LIST", split = ",",
            defaultValue = "BSP,SSP(1),SSP(3),ESSP(3),ASYNC,SSP_AUTO(3)",
            description = "Consistency models of the model table (Consistency.parse); the first is the reference "
                    + "for the target and the speed-ups (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "500",
            description = "Features per row (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "100000",
            description = "Training rows per worker (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--eval-rows", paramLabel = "N", defaultValue = "5000",
            description = "Held-out rows per worker, for the objective (default: ${DEFAULT-VALUE}).")
    int evalRows;

    @Option(names = "--clocks", paramLabel = "N", defaultValue = "20",
            description = "Clocks of every run (default: ${DEFAULT-VALUE}).")
    int clocks;

    @Option(names = "--clocks-per-pass", paramLabel = "N", defaultValue = "2",
            description = "Clocks per pass over a worker's rows (default: ${DEFAULT-VALUE}).")
    int clocksPerPass;

    @Option(names = "--learning-rate", paramLabel = "X", defaultValue = "0.0002",
            description = "SGD step size of the first pass (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--decay", paramLabel = "X", defaultValue = "1",
            description = "Step size factor per pass (default: ${DEFAULT-VALUE}).")
    double decay;

    @Option(names = "--margin-scale", paramLabel = "X", defaultValue = "4",
            description = "Standard deviation of the true model's margins (default: ${DEFAULT-VALUE}).")
    double marginScale;

    @Option(names = "--target", paramLabel = "LOSS",
            description = "The objective to reach (default: the reference model's median final objective without "
                    + "a straggler, plus --target-slack).")
    Double target;

    @Option(names = "--target-slack", paramLabel = "FRACTION", defaultValue = "0.01",
            description = "The default target is this fraction above the reference's final objective "
                    + "(default: ${DEFAULT-VALUE}).")
    double targetSlack;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Unmeasured rounds first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", defaultValue = "5", paramLabel = "N",
            description = "Measured rounds; each runs every model under every straggler mode, the order rotating "
                    + "(default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED",
            description = "Seed of the problem, the visiting order and the pauses (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Consistency> parsed = ModelOptions.parse(models);
        ModelOptions.checkRange("--warmup", warmup, 0, 100);
        ModelOptions.checkRange("--repeats", repeats, 1, 100);
        if (!(targetSlack >= 0 && targetSlack <= 1)) {
            throw new IllegalArgumentException("--target-slack : " + targetSlack + " (expected: 0 <= value <= 1)");
        }
        if (target != null && !(target > 0)) {
            throw new IllegalArgumentException("--target : " + target + " (expected: > 0)");
        }
        LrOptions base = new LrOptions(dim, rows, evalRows, clocks, clocksPerPass, learningRate, decay, marginScale,
                seed, parsed.get(0), new Straggler(Straggler.Mode.NONE, seed));
        out.println("command: " + RunFacts.commandLine(spec));
        out.println("date: " + RunFacts.now());
        out.println("load average at the start: " + RunFacts.loadAverage());
        SparkSession spark = BenchSession.create("petuum bench ssp-straggler-lr", master);
        try {
            int slots = PsContext.get(spark).taskSlots();
            int n = workers == null ? slots : workers;
            if (n < 2 || n > slots) {
                throw new IllegalArgumentException("--workers : " + n + " (expected: 2 <= workers <= " + slots
                        + ", the task slots of " + master + ")");
            }
            out.printf(Locale.ROOT, "Spark %s, master %s, %d task slot(s), %d cores seen by the JVM; JVM: %s%n",
                    spark.version(), spark.sparkContext().master(), slots, Runtime.getRuntime().availableProcessors(),
                    RunFacts.jvm());
            out.printf(Locale.ROOT, "logistic regression: %d workers × %,d training rows (+ %,d held-out) × %d features, "
                            + "generated in the tasks; %d clocks of %d per pass, step %s × %s per pass; straggler: "
                            + "worker %d%n", n, rows, evalRows, dim, clocks, clocksPerPass, learningRate, decay,
                    Straggler.WORKER);
            out.flush();

            List<Straggler.Mode> modes = List.of(Straggler.Mode.values());
            List<StragglerReport.Setting> settings = new ArrayList<>();
            for (Straggler.Mode mode : modes) {
                for (Consistency model : parsed) {
                    settings.add(new StragglerReport.Setting(model, mode));
                }
            }
            Map<StragglerReport.Setting, List<LrJob.Result>> runs = new LinkedHashMap<>();
            settings.forEach(s -> runs.put(s, new ArrayList<>()));
            for (int round = 1 - warmup; round <= repeats; round++) {
                for (int k = 0; k < settings.size(); k++) {
                    StragglerReport.Setting s = settings.get(Math.floorMod(k + round, settings.size()));
                    LrOptions options = base.with(s.model(), new Straggler(s.mode(), seed));
                    System.gc();
                    LrJob.Result r = LrJob.run(spark, options, n);
                    out.printf(Locale.ROOT, "%s %d: %s: %d clocks in %.2f s, work %.1f ms (CPU %.1f ms) and wait "
                                    + "%.1f ms per clock, objective %.5f after clock 1, %.5f at the end%n",
                            round <= 0 ? "warm-up" : "round", round <= 0 ? round + warmup : round, s.label(),
                            r.clocks().size(), r.trainingSeconds(), r.workMs(), r.cpuMs(), r.waitMs(),
                            r.clocks().get(0).objective(), r.finalObjective());
                    if (s.model().adaptive()) {
                        out.println("  staleness in force per clock (mean of the workers): " + r.stalenessPerClock());
                    }
                    out.flush();
                    if (round > 0) {
                        runs.get(s).add(r);
                    }
                }
            }
            new StragglerReport(parsed, modes, runs, target, targetSlack).print(out);
            out.println("load average at the end: " + RunFacts.loadAverage());
            return 0;
        } finally {
            spark.stop();
        }
    }
}
