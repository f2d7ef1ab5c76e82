package org.petuum.bench.kmeans;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.petuum.bench.BenchSession;
import org.petuum.bench.Median;
import org.petuum.bench.RunFacts;
import org.petuum.ml.clustering.KMeans;
import org.petuum.ml.clustering.KMeansModel;
import org.petuum.ps.PsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench kmeans}: our {@code KMeans} on SSP tables against MLlib's {@code KMeans}, on Fashion-MNIST and USPS in
 * one Spark session: the same cached DataFrame, k, seed, k-means|| initialisation (2 steps), maxIter and tol for
 * both; fit times, passes and the cost of each model's centres, computed the same way for both.
 */
@Command(name = "kmeans", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"KMeans on SSP tables against MLlib KMeans on Fashion-MNIST (60,000 × 784) and USPS "
                + "(7,291 × 256), in one Spark session.", "",
                "Prints each run, then per data set the median fit time of each system, the ratio MLlib/ours, and "
                        + "the ratio of the costs (sum of squared distances to the nearest centre) ours/MLlib."})
public final class KMeansBenchCommand implements Callable<Integer> {
    static final String FASHION = "fashion-mnist";
    static final String USPS = "usps";

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "../shared/data", description = "Folder holding "
            + "fashion-mnist/train-images-idx3-ubyte.gz and usps/zip_train.libsvm.gz (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--datasets", paramLabel = "NAME", split = ",", defaultValue = "fashion-mnist,usps",
            description = "Which data sets, comma separated: fashion-mnist, usps (default: ${DEFAULT-VALUE}).")
    List<String> datasets;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--k", defaultValue = "10", paramLabel = "K", description = "Clusters (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--max-iter", defaultValue = "20", paramLabel = "N",
            description = "maxIter of both (default: ${DEFAULT-VALUE}, MLlib's).")
    int maxIter;

    @Option(names = "--tol", defaultValue = "1e-4", paramLabel = "T",
            description = "tol of both (default: ${DEFAULT-VALUE}, MLlib's).")
    double tol;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED",
            description = "The seed of both; measured run r uses seed + r (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Use only the first N Fashion-MNIST images; 0 for all 60,000 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
            description = "Measured runs of each system per data set, interleaved (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Unmeasured runs of each system on the first data set first (default: ${DEFAULT-VALUE}).")
    int warmup;

    /** One fit: which system, its time, passes and the cost of its centres. */
    record Run(String system, double seconds, int passes, double cost) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        for (String d : datasets) {
            if (!d.equals(FASHION) && !d.equals(USPS)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--datasets: unknown data set '"
                        + d + "' (expected: " + FASHION + " or " + USPS + ")");
            }
        }
        out.println("command: " + RunFacts.commandLine(spec));
        out.println("date: " + RunFacts.now());
        SparkSession spark = BenchSession.create("bench-kmeans", master);
        try {
            int slots = PsContext.get(spark).taskSlots();
            out.printf(Locale.ROOT, "Spark %s, master %s, %d task slot(s); JVM: %s%n", spark.version(),
                    spark.sparkContext().master(), slots, RunFacts.jvm());
            out.println("load average at the start: " + RunFacts.loadAverage());
            out.printf(Locale.ROOT, "both: k=%d, k-means|| with 2 steps, maxIter=%d, tol=%s; ours: SSP(0), %d workers%n",
                    k, maxIter, tol, slots);
            List<String[]> summary = new ArrayList<>();
            boolean warmed = false;
            for (String name : datasets) {
                Dataset<Row> data = load(spark, name, slots);
                out.printf(Locale.ROOT, "%s: %,d points of %d dimensions in %d partitions, cached%n", name,
                        data.count(), ((Vector) data.first().get(0)).size(), data.rdd().getNumPartitions());
                out.flush();
                for (int w = 0; !warmed && w < warmup; w++) {
                    out.printf(Locale.ROOT, "warm-up %d/%d: %s; %s%n", w + 1, warmup, describe(ours(data, seed)),
                            describe(mllib(data, seed)));
                    out.flush();
                }
                warmed = true;
                List<Run> ours = new ArrayList<>();
                List<Run> theirs = new ArrayList<>();
                for (int r = 0; r < repeats; r++) {
                    boolean oursFirst = r % 2 == 0;
                    Run a = oursFirst ? ours(data, seed + r) : mllib(data, seed + r);
                    Run b = oursFirst ? mllib(data, seed + r) : ours(data, seed + r);
                    ours.add(oursFirst ? a : b);
                    theirs.add(oursFirst ? b : a);
                    out.printf(Locale.ROOT, "run %d/%d, seed %d: %s; %s%n", r + 1, repeats, seed + r, describe(a),
                            describe(b));
                    out.flush();
                }
                double tOurs = Median.of(ours, Run::seconds);
                double tTheirs = Median.of(theirs, Run::seconds);
                double cOurs = Median.of(ours, Run::cost);
                double cTheirs = Median.of(theirs, Run::cost);
                summary.add(new String[] {name, fmt(tTheirs), fmt(tOurs), RunFacts.ratio(tTheirs, tOurs),
                        String.format(Locale.ROOT, "%.5g", cTheirs), String.format(Locale.ROOT, "%.5g", cOurs),
                        String.format(Locale.ROOT, "%.4f", cOurs / cTheirs),
                        Median.of(theirs, Run::passes) + " / " + Median.of(ours, Run::passes)});
                data.unpersist();
            }
            out.println("load average at the end: " + RunFacts.loadAverage());
            out.println();
            out.println("| data set | MLlib KMeans s | ours s | MLlib/ours time | MLlib cost | our cost "
                    + "| cost ours/MLlib | passes MLlib / ours |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            for (String[] row : summary) {
                out.println("| " + String.join(" | ", row) + " |");
            }
            out.println("(medians of " + repeats + " runs; times are whole fits, initialisation included)");
            return 0;
        } finally {
            spark.stop();
        }
    }

    private Run ours(Dataset<Row> data, long s) {
        System.gc();
        long t0 = System.nanoTime();
        KMeansModel m = new KMeans().setK(k).setSeed(s).setMaxIter(maxIter).setTol(tol).fit(data);
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Run("ours", secs, m.summary().numIter(), Cost.of(data, m.clusterCenters()));
    }

    private Run mllib(Dataset<Row> data, long s) {
        System.gc();
        long t0 = System.nanoTime();
        org.apache.spark.ml.clustering.KMeansModel m = new org.apache.spark.ml.clustering.KMeans().setK(k).setSeed(s)
                .setMaxIter(maxIter).setTol(tol).fit(data);
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Run("MLlib", secs, m.summary().numIter(), Cost.of(data, m.clusterCenters()));
    }

    private static String describe(Run r) {
        return String.format(Locale.ROOT, "%s %.2f s, %d passes, cost %.6g", r.system(), r.seconds(), r.passes(),
                r.cost());
    }

    private static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }

    /** The data set as a cached {@code features} DataFrame with one partition per task slot. */
    private Dataset<Row> load(SparkSession spark, String name, int partitions) throws IOException {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
        Dataset<Row> df;
        if (name.equals(FASHION)) {
            List<byte[]> images = IdxImages.read(dataDir.resolve("fashion-mnist/train-images-idx3-ubyte.gz"), limit);
            JavaRDD<Row> rows = new JavaSparkContext(spark.sparkContext()).parallelize(images, partitions)
                    .map(KMeansBenchCommand::pixels);
            df = spark.createDataFrame(rows, schema);
        } else {
            df = spark.read().format("libsvm").option("numFeatures", "256")
                    .load(dataDir.resolve("usps/zip_train.libsvm.gz").toString()).select("features")
                    .repartition(partitions);
        }
        df = df.cache();
        df.count();
        return df;
    }

    private static Row pixels(byte[] image) {
        double[] x = new double[image.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = image[i] & 0xff;
        }
        return RowFactory.create(Vectors.dense(x));
    }
}
