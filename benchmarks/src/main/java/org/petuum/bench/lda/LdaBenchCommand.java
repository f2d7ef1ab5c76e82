package org.petuum.bench.lda;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.petuum.bench.BenchSession;
import org.petuum.bench.RunFacts;
import org.petuum.examples.lda.UciBagOfWords;
import org.petuum.ml.clustering.DocumentCompletion;
import org.petuum.ml.clustering.LDA;
import org.petuum.ml.clustering.LDAModel;
import org.petuum.ml.clustering.LDAPass;
import org.petuum.ml.internal.lda.LdaTrainer;
import org.petuum.ps.PsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench lda}: our LDA (rotation and data-parallel) against Spark MLlib's online LDA on the KOS corpus, in one
 * Spark session, all scored by one held-out measure ({@link DocumentCompletion}, the same fold-in alpha for every
 * model). Each system is fitted for a ladder of lengths (passes or mini-batch iterations), each fit from scratch
 * and timed whole (data preparation inside the fit included); the time to reach a perplexity is that of the
 * shortest fit that reaches it.
 */
@Command(name = "lda", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"LDA by Gibbs sampling with word-block rotation (and data-parallel) against Spark MLlib "
                + "online LDA on UCI KOS, side by side in one Spark session: time to reach MLlib's best held-out "
                + "document-completion perplexity, tokens sampled per second per worker, word-topic table memory."})
public final class LdaBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "../shared/data",
            description = "Folder holding uci-kos/docword.kos.txt.gz (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--k", split = ",", defaultValue = "20", description = "Topic counts (default: ${DEFAULT-VALUE}).")
    List<Integer> ks;

    @Option(names = "--passes", split = ",", defaultValue = "5,10,20,40,80",
            description = "Our fits' lengths in passes (default: ${DEFAULT-VALUE}).")
    List<Integer> passes;

    @Option(names = "--mllib-iterations", split = ",", defaultValue = "25,50,100,200",
            description = "MLlib online LDA's fits' lengths in mini-batch iterations (default: ${DEFAULT-VALUE}).")
    List<Integer> mllibIterations;

    @Option(names = "--eval-alpha", defaultValue = "0.1",
            description = "Document concentration of the held-out fold-in, for every model (default: ${DEFAULT-VALUE}).")
    double evalAlpha;

    @Option(names = "--holdout", defaultValue = "0.1",
            description = "Fraction of documents held out for evaluation (default: ${DEFAULT-VALUE}).")
    double holdout;

    @Option(names = "--workers", defaultValue = "0", description = "Our workers (default: every task slot).")
    int workers;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the split and of every fit (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    /** One fit's outcome. */
    record Point(String system, int length, double seconds, double perplexity, double tokensPerSecondPerWorker,
                 long tableBytes) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!(holdout > 0 && holdout < 1)) {
            throw new IllegalArgumentException("--holdout : " + holdout + " (expected: 0 < value < 1)");
        }
        Path file = dataDir.resolve("uci-kos/docword.kos.txt.gz");
        out.println("# " + RunFacts.commandLine(spec));
        out.println("# " + RunFacts.now() + ", " + RunFacts.jvm() + ", load " + RunFacts.loadAverage());
        SparkSession spark = BenchSession.create("bench lda", master);
        try (UciBagOfWords.Corpus corpus = UciBagOfWords.read(spark, file)) {
            int w = workers > 0 ? workers : PsContext.get(spark).taskSlots();
            Dataset<Row>[] split = corpus.docs().randomSplit(new double[] {1 - holdout, holdout}, seed);
            Dataset<Row> train = split[0].cache();
            Dataset<Row> test = split[1].cache();
            out.printf(Locale.ROOT, "# KOS: %,d training and %,d held-out documents, vocabulary %,d; %d worker(s); "
                    + "held-out perplexity by document completion, fold-in alpha %.3g%n", train.count(), test.count(),
                    corpus.header().words(), w, evalAlpha);
            for (int k : ks) {
                run(out, k, w, train, test);
            }
            train.unpersist();
            test.unpersist();
            return 0;
        } finally {
            spark.stop();
        }
    }

    private void run(PrintWriter out, int k, int w, Dataset<Row> train, Dataset<Row> test) {
        out.printf(Locale.ROOT, "%n## KOS, k = %d%n%n", k);
        // Warm-up (JIT, Spark's first jobs), not reported.
        ours(k, 2, "rotation", w, train, test);
        mllib(k, 5, train, test);

        List<Point> points = new ArrayList<>();
        out.println("| system | length | fit time (s) | held-out perplexity | tokens/s per worker |");
        out.println("|---|---:|---:|---:|---:|");
        for (int it : mllibIterations) {
            points.add(print(out, mllib(k, it, train, test)));
        }
        for (int p : passes) {
            points.add(print(out, ours(k, p, "rotation", w, train, test)));
            points.add(print(out, ours(k, p, "none", w, train, test)));
        }
        Point bestMllib = points.stream().filter(p -> p.system.equals("mllib-online"))
                .min((a, b) -> Double.compare(a.perplexity, b.perplexity)).orElseThrow();
        Point rot = first(points, "petuum-rotation", bestMllib.perplexity);
        Point dp = first(points, "petuum-none", bestMllib.perplexity);
        out.printf(Locale.ROOT, "%nMLlib online's best held-out perplexity: %.1f (%d iterations, %.2f s)%n",
                bestMllib.perplexity, bestMllib.length, bestMllib.seconds);
        out.printf(Locale.ROOT, "time to reach it: rotation %s, data-parallel %s; MLlib / rotation %s; "
                        + "data-parallel / rotation %s%n", describe(rot), describe(dp),
                rot == null ? "n/a" : RunFacts.ratio(bestMllib.seconds, rot.seconds),
                rot == null || dp == null ? "n/a" : RunFacts.ratio(dp.seconds, rot.seconds));
        Point last = points.stream().filter(p -> p.system.equals("petuum-rotation")).reduce((a, b) -> b).orElseThrow();
        out.printf(Locale.ROOT, "word-topic table after %d passes: %s, %.2f MiB (%s)%n", last.length,
                k >= LdaTrainer.SPARSE_FROM_K ? "sparse rows" : "dense rows", last.tableBytes / 1048576.0,
                k >= LdaTrainer.SPARSE_FROM_K ? "12 bytes per non-zero cell" : "8 bytes per cell, vocabulary x k");
    }

    private static String describe(Point p) {
        return p == null ? "not reached" : String.format(Locale.ROOT, "%.2f s (%d passes)", p.seconds, p.length);
    }

    private static Point first(List<Point> points, String system, double target) {
        return points.stream().filter(p -> p.system.equals(system) && p.perplexity <= target)
                .min((a, b) -> Double.compare(a.seconds, b.seconds)).orElse(null);
    }

    private static Point print(PrintWriter out, Point p) {
        out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %s |%n", p.system, p.length, p.seconds, p.perplexity,
                p.tokensPerSecondPerWorker > 0 ? String.format(Locale.ROOT, "%.2f M", p.tokensPerSecondPerWorker / 1e6)
                        : "–");
        return p;
    }

    private Point ours(int k, int passes, String schedule, int w, Dataset<Row> train, Dataset<Row> test) {
        long t0 = System.nanoTime();
        LDAModel model = new LDA().setK(k).setMaxIter(passes).setSchedule(schedule).setNumWorkers(w).setSeed(seed)
                .fit(train);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perplexity = new DocumentCompletion(model.topicsMatrix(), evalAlpha).evaluate(test, "features")
                .perplexity();
        double rate = model.trainingTrace().stream().mapToDouble(LDAPass::tokensPerSecond).sorted()
                .skip(model.trainingTrace().size() / 2).findFirst().orElse(0) / w;
        return new Point("petuum-" + schedule, passes, seconds, perplexity, rate, tableBytes(model));
    }

    private Point mllib(int k, int iterations, Dataset<Row> train, Dataset<Row> test) {
        long t0 = System.nanoTime();
        org.apache.spark.ml.clustering.LDAModel model = new org.apache.spark.ml.clustering.LDA().setK(k)
                .setMaxIter(iterations).setOptimizer("online").setSeed(seed).fit(train);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perplexity = new DocumentCompletion(model.topicsMatrix(), evalAlpha).evaluate(test, "features")
                .perplexity();
        return new Point("mllib-online", iterations, seconds, perplexity, 0, 0);
    }

    /** The word–topic table's cells as stored: k doubles per row when dense, an int and a double per non-zero when sparse. */
    private static long tableBytes(LDAModel model) {
        double[][] counts = model.wordTopicCounts();
        if (model.getK() < LdaTrainer.SPARSE_FROM_K) {
            return 8L * counts.length * model.getK();
        }
        long nonZero = 0;
        for (double[] row : counts) {
            for (double c : row) {
                nonZero += c != 0 ? 1 : 0;
            }
        }
        return 12 * nonZero;
    }
}
