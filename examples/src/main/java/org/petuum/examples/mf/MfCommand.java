package org.petuum.examples.mf;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.petuum.examples.data.RatingsData;
import org.petuum.examples.data.RatingsReader;
import org.petuum.examples.data.SyntheticRatings;
import org.petuum.ps.PetuumPlugin;
import org.petuum.ps.PsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code petuum mf}: SGD matrix factorisation with item factors in an SSP table. */
@Command(name = "mf", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Matrix factorisation by SGD in the Petuum style: item factors live in a parameter-server "
                + "table read under bounded staleness; user factors stay with the worker that owns the user.",
                "", "With no --input, trains on generated low-rank data with known noise."})
public final class MfCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Ratings: 'user item rating [timestamp]' per line, separated by tabs, commas, spaces or '::'.")
    Path input;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Where to write the model (Parquet factors), convergence.csv and convergence.png.")
    String output;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--rank", defaultValue = "10", description = "Factors per user and item (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--learning-rate", defaultValue = "0.025", description = "SGD step size of the first pass (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--decay", defaultValue = "0.85", description = "Step size multiplier per pass (default: ${DEFAULT-VALUE}).")
    double decay;

    @Option(names = "--lambda", defaultValue = "0.04", description = "L2 regularisation (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--clocks", defaultValue = "50", description = "Clocks in all (default: ${DEFAULT-VALUE}).")
    int clocks;

    @Option(names = "--clocks-per-pass", defaultValue = "5", description = "Clocks per pass over the data; each clock "
            + "visits one slice of every worker's ratings (default: ${DEFAULT-VALUE}).")
    int clocksPerPass;

    @Option(names = "--staleness", defaultValue = "2", description = "SSP staleness of the item table; 0 is BSP (default: ${DEFAULT-VALUE}).")
    int staleness;

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

    @Option(names = "--gen-density", defaultValue = "0.2", description = "Generated data: share of cells rated (default: ${DEFAULT-VALUE}).")
    double genDensity;

    @Option(names = "--gen-noise", defaultValue = "0.5", description = "Generated data: noise standard deviation (default: ${DEFAULT-VALUE}).")
    double genNoise;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        MfOptions options = new MfOptions(rank, learningRate, decay, lambda, clocks, clocksPerPass, staleness, seed);
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction : " + testFraction + " (expected: 0 < value < 1)");
        }
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("--workers : " + workers + " (expected: >= 1)");
        }
        RatingsData data;
        Double noise = null;
        if (input != null) {
            data = RatingsReader.read(input);
            out.printf(Locale.ROOT, "read %,d ratings of %,d users and %,d items from %s%n", data.size(), data.numUsers(),
                    data.numItems(), input);
        } else {
            checkGenerated();
            SyntheticRatings.Generated g = SyntheticRatings.generate(genUsers, genItems, genRank, genDensity, genNoise, seed);
            data = g.data();
            noise = g.noiseStd();
            out.printf(Locale.ROOT, "generated %,d ratings of %,d users and %,d items (true rank %d, noise %.3f)%n",
                    data.size(), data.numUsers(), data.numItems(), genRank, noise);
        }
        RatingsData.Split split = data.split(testFraction, seed);

        SparkSession spark = session();
        try {
            MfOutput target = output == null ? null
                    : MfOutput.prepare(output, spark.sparkContext().hadoopConfiguration());
            PsContext ps = PsContext.get(spark);
            int w = workers != null ? workers : ps.taskSlots();
            out.printf(Locale.ROOT, "training rank %d on %d worker(s) with %d shard(s) on executor(s) %s, %s, %d clocks "
                    + "of %d per pass%n", rank, w, ps.shards().size(),
                    ps.shards().stream().map(org.petuum.ps.ShardAddress::executorId).toList(),
                    staleness == 0 ? "BSP" : "SSP(" + staleness + ")", clocks, clocksPerPass);
            MfJob.Result result = MfJob.run(spark, split.train(), split.test(), options, w, line -> {
                out.println(line);
                out.flush();
            });
            if (noise != null) {
                out.printf(Locale.ROOT, "noise level %.4f; test RMSE is %.1f%% above it%n", noise,
                        100 * (result.finalTestRmse() / noise - 1));
            }
            if (target != null) {
                target.write(spark, result, data, options, input == null ? null : input.toString());
                out.println("model written to " + target.location());
            }
            out.printf(Locale.ROOT, "final train RMSE %.4f%n", result.finalTrainRmse());
            out.printf(Locale.ROOT, "final test RMSE %.4f%n", result.finalTestRmse());
            return 0;
        } finally {
            spark.stop();
        }
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

    /** The Spark session: the master spark-submit gave, else --master, else local[*]; always with the plugin. */
    private SparkSession session() {
        return PetuumPlugin.sessionBuilder("petuum mf", master).getOrCreate();
    }
}
