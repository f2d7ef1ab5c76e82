package org.petuum.bench.mf;

import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.petuum.bench.BenchSession;
import org.petuum.examples.data.GeneratedRatings;
import org.petuum.ml.recommendation.MatrixFactorization;
import org.petuum.ml.recommendation.MatrixFactorizationModel;
import org.petuum.ps.PsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench mf-scale}: the {@link MatrixFactorization} estimator and MLlib ALS on ratings generated inside the
 * executors ({@link GeneratedRatings}), at growing sizes, in one Spark session. Neither system's data passes through
 * the driver, so the driver's heap (set it with {@code PETUUM_HEAP=1g}) bounds only the models.
 */
@Command(name = "mf-scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"MatrixFactorization (both schedules) against MLlib ALS on low-rank ratings generated in the "
                + "executors, at each size: time per pass, total time and test RMSE against the noise level.",
                "", "A local-cluster master (the default) needs the Spark testing mode, which this command sets."})
public final class MfScaleCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--sizes", split = ",", defaultValue = "1000000,10000000,50000000",
            description = "Ratings per run, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Long> sizes;

    @Option(names = "--master", defaultValue = "local-cluster[2,1,3072]",
            description = "Spark master (default: ${DEFAULT-VALUE}: two executor JVMs of one core each).")
    String master;

    @Option(names = "--noise", defaultValue = "0.5", description = "Noise standard deviation (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--rank", defaultValue = "10", description = "True rank, and the rank of both models (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--als-max", defaultValue = "50000000",
            description = "Largest size ALS is run at (default: ${DEFAULT-VALUE}).")
    long alsMax;

    @Option(names = "--schedules", split = ",", defaultValue = "ssp,rotation",
            description = "MatrixFactorization schedules to run (default: ${DEFAULT-VALUE}).")
    List<String> schedules;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (long n : sizes) {
            if (n < 1000 || n > 2_000_000_000L) {
                throw new IllegalArgumentException("--sizes : " + n + " (expected: 1000 <= size <= 2000000000)");
            }
        }
        if (master.startsWith("local-cluster")) {
            // Executors of a local cluster start from this JVM's classpath only in Spark's testing mode.
            System.setProperty("spark.testing", "true");
            System.setProperty("spark.test.home", System.getProperty("java.io.tmpdir"));
        }
        out.println("command: bin/bench " + String.join(" ",
                spec.commandLine().getParseResult().originalArgs()));
        out.println("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        SparkSession spark = BenchSession.create("petuum bench mf-scale", master);
        try {
            int workers = PsContext.get(spark).taskSlots();
            out.printf(Locale.ROOT, "Spark %s, master %s, %d task slot(s); driver max heap %d MiB; load average %.2f%n",
                    spark.version(), master, workers, Runtime.getRuntime().maxMemory() >> 20,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            out.println("| ratings | system | s per pass | fit s | test RMSE | RMSE / noise | ALS fit / fit |");
            out.println("|---:|---|---:|---:|---:|---:|---:|");
            out.flush();
            for (long n : sizes) {
                GeneratedRatings g = GeneratedRatings.ofSize(n, rank, noise, 0.02, seed,
                        (int) Math.max(workers, n / 500_000));
                Dataset<Row> all = g.all(spark);
                Dataset<Row> train = all.filter(col("test").equalTo(false)).drop("test");
                Dataset<Row> test = all.filter(col("test")).drop("test");
                RegressionEvaluator rmse = new RegressionEvaluator().setLabelCol("rating").setMetricName("rmse");
                double alsFit = Double.NaN;
                String alsLine = null;
                if (n <= alsMax) {
                    ALS als = new ALS().setRank(rank).setMaxIter(10).setRegParam(0.1).setColdStartStrategy("drop")
                            .setSeed(seed);
                    long start = System.nanoTime();
                    ALSModel model = als.fit(train);
                    model.userFactors().count(); // ALS's fit is lazy about its last factors
                    alsFit = (System.nanoTime() - start) / 1e9;
                    double r = rmse.evaluate(model.transform(test));
                    alsLine = String.format(Locale.ROOT, "| %,d | MLlib ALS (10 iterations) | %.2f | %.2f | %.4f | %.3f | 1.00× |",
                            n, alsFit / 10, alsFit, r, r / noise);
                }
                for (String schedule : schedules) {
                    MatrixFactorization mf = new MatrixFactorization().setRank(rank).setSchedule(schedule)
                            .setNumWorkers(workers).setColdStartStrategy("drop");
                    long start = System.nanoTime();
                    MatrixFactorizationModel model = mf.fit(train);
                    double fit = (System.nanoTime() - start) / 1e9;
                    double r = rmse.evaluate(model.transform(test));
                    double[] ends = model.summary().passEndSeconds();
                    out.printf(Locale.ROOT, "| %,d | MatrixFactorization %s (%d passes) | %.2f | %.2f | %.4f | %.3f | %s |%n",
                            n, schedule, ends.length, ends[ends.length - 1] / ends.length, fit, r, r / noise,
                            Double.isNaN(alsFit) ? "ALS not run" : String.format(Locale.ROOT, "%.2f×", alsFit / fit));
                    out.flush();
                }
                if (alsLine != null) {
                    out.println(alsLine);
                }
                out.flush();
            }
            return 0;
        } finally {
            spark.stop();
        }
    }
}
