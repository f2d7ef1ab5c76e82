package org.petuum.bench.lda;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.petuum.bench.Median;
import org.petuum.bench.RunFacts;
import org.petuum.ml.clustering.DocumentCompletion;
import org.petuum.ml.clustering.LDA;
import org.petuum.ml.clustering.LDAModel;
import org.petuum.ml.clustering.LDAPass;
import org.petuum.ml.internal.lda.LdaTrainer;

/**
 * The fits {@code bench lda} times, on one corpus at a time: the ladder (MLlib online LDA against ours in both
 * modes, every fit from scratch and scored by one held-out measure) and the scaling table (ours only, growing
 * corpora). Prints Markdown tables to {@code out}. Runs on the driver thread; each fit blocks until it is done.
 */
final class LdaFits {
    private final PrintWriter out;
    private final int workers;
    private final long seed;
    private final double evalAlpha;

    LdaFits(PrintWriter out, int workers, long seed, double evalAlpha) {
        this.out = out;
        this.workers = workers;
        this.seed = seed;
        this.evalAlpha = evalAlpha;
    }

    /** One fit's outcome; rates are medians over the fit's passes, 0 for MLlib. */
    record Point(String system, int length, double seconds, double perplexity, double wallRatePerWorker,
                 double cpuRatePerWorker, double secondsPerPass, long tableBytes, long peakHeapBytes) {
    }

    /** MLlib online at every length of {@code iterations}, ours in both modes at every length of {@code passes}. */
    void ladder(String corpus, int k, List<Integer> iterations, List<Integer> passes, Dataset<Row> train,
                Dataset<Row> test) {
        out.printf(Locale.ROOT, "%n## %s, k = %d%n%n", corpus, k);
        out.flush();
        // Warm-up (JIT, Spark's first jobs), not reported.
        ours(k, 2, "rotation", train, test);
        mllib(k, 5, train, test);

        List<Point> points = new ArrayList<>();
        out.println("| system | length | fit time (s) | held-out perplexity | tokens/s per worker (wall) "
                + "| tokens/s per worker (sampler CPU) |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (int it : iterations) {
            points.add(print(mllib(k, it, train, test)));
        }
        for (int p : passes) {
            points.add(print(ours(k, p, "rotation", train, test)));
            points.add(print(ours(k, p, "none", train, test)));
        }
        Point best = points.stream().filter(p -> p.system.equals("mllib-online"))
                .min((a, b) -> Double.compare(a.perplexity, b.perplexity)).orElseThrow();
        Point rot = first(points, "petuum-rotation", best.perplexity);
        Point dp = first(points, "petuum-none", best.perplexity);
        out.printf(Locale.ROOT, "%nMLlib online's best held-out perplexity: %.1f (%d iterations, %.2f s)%n",
                best.perplexity, best.length, best.seconds);
        out.printf(Locale.ROOT, "time to reach it: rotation %s, data-parallel %s; MLlib / rotation %s; "
                        + "MLlib / data-parallel %s; data-parallel / rotation %s%n", describe(rot), describe(dp),
                rot == null ? "n/a" : RunFacts.ratio(best.seconds, rot.seconds),
                dp == null ? "n/a" : RunFacts.ratio(best.seconds, dp.seconds),
                rot == null || dp == null ? "n/a" : RunFacts.ratio(dp.seconds, rot.seconds));
        Point last = points.stream().filter(p -> p.system.equals("petuum-rotation")).reduce((a, b) -> b).orElseThrow();
        out.printf(Locale.ROOT, "word-topic table after %d passes: %s, %.2f MiB (%s)%n", last.length,
                k >= LdaTrainer.SPARSE_FROM_K ? "sparse rows" : "dense rows", last.tableBytes / 1048576.0,
                k >= LdaTrainer.SPARSE_FROM_K ? "12 bytes per non-zero cell" : "8 bytes per cell, vocabulary x k");
        out.flush();
    }

    /**
     * Ours (rotation) for {@code passes} passes on each corpus of {@code sizes}: how time per pass and memory grow
     * with tokens.
     */
    void scaling(String corpus, int k, int passes, List<Long> sizes, SizedCorpus source, Dataset<Row> test) {
        out.printf(Locale.ROOT, "%n## %s, k = %d: ours (rotation) as the corpus grows, %d passes each%n%n", corpus, k,
                passes);
        out.println("| tokens | documents | fit time (s) | time per pass (s) | tokens/s per worker (wall) "
                + "| tokens/s per worker (sampler CPU) | held-out perplexity | word-topic table (MiB) "
                + "| tokens and doc-topic counts in the workers (MiB) | peak JVM heap used (MiB) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        out.flush();
        for (long tokens : sizes) {
            long docs = source.docsFor(tokens);
            Dataset<Row> train = source.documents(docs);
            Point p = ours(k, passes, "rotation", train, test);
            long actual = docs * source.docLength();
            // Each worker holds a token's word slot and topic (two ints) and its documents' k topic counts (ints).
            double corpusMiB = (8.0 * actual + 4.0 * docs * k) / 1048576.0;
            out.printf(Locale.ROOT, "| %,d | %,d | %.1f | %.2f | %.2f M | %.2f M | %.1f | %.1f | %.0f | %.0f |%n",
                    actual, docs, p.seconds, p.secondsPerPass, p.wallRatePerWorker / 1e6, p.cpuRatePerWorker / 1e6,
                    p.perplexity, p.tableBytes / 1048576.0, corpusMiB, p.peakHeapBytes / 1048576.0);
            out.flush();
        }
    }

    /** A corpus that can be had at any size. */
    interface SizedCorpus {
        long docsFor(long tokens);

        int docLength();

        Dataset<Row> documents(long docs);
    }

    Point ours(int k, int passes, String schedule, Dataset<Row> train, Dataset<Row> test) {
        LDAModel model;
        long t0 = System.nanoTime();
        long peak;
        try (HeapWatch heap = HeapWatch.start()) {
            model = new LDA().setK(k).setMaxIter(passes).setSchedule(schedule).setNumWorkers(workers).setSeed(seed)
                    .fit(train);
            peak = heap.peakBytes();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perplexity = new DocumentCompletion(model.topicsMatrix(), evalAlpha).evaluate(test, "features")
                .perplexity();
        List<LDAPass> trace = model.trainingTrace();
        double wall = median(trace, LDAPass::tokensPerSecond) / workers;
        double cpu = median(trace, LDAPass::tokensPerSamplerCpuSecond);
        double perPass = median(trace, LDAPass::seconds);
        return new Point("petuum-" + schedule, passes, seconds, perplexity, wall, cpu, perPass, tableBytes(model),
                peak);
    }

    private Point mllib(int k, int iterations, Dataset<Row> train, Dataset<Row> test) {
        long t0 = System.nanoTime();
        org.apache.spark.ml.clustering.LDAModel model = new org.apache.spark.ml.clustering.LDA().setK(k)
                .setMaxIter(iterations).setOptimizer("online").setSeed(seed).fit(train);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double perplexity = new DocumentCompletion(model.topicsMatrix(), evalAlpha).evaluate(test, "features")
                .perplexity();
        return new Point("mllib-online", iterations, seconds, perplexity, 0, 0, 0, 0, 0);
    }

    /** The median over a fit's passes (0 for a fit without any). */
    private static double median(List<LDAPass> trace, ToDoubleFunction<LDAPass> f) {
        return trace.isEmpty() ? 0 : Median.of(trace, f);
    }

    private static String describe(Point p) {
        return p == null ? "not reached" : String.format(Locale.ROOT, "%.2f s (%d passes)", p.seconds, p.length);
    }

    private static Point first(List<Point> points, String system, double target) {
        return points.stream().filter(p -> p.system.equals(system) && p.perplexity <= target)
                .min((a, b) -> Double.compare(a.seconds, b.seconds)).orElse(null);
    }

    private Point print(Point p) {
        out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %s | %s |%n", p.system, p.length, p.seconds, p.perplexity,
                rate(p.wallRatePerWorker), rate(p.cpuRatePerWorker));
        out.flush();
        return p;
    }

    private static String rate(double r) {
        return r > 0 ? String.format(Locale.ROOT, "%.2f M", r / 1e6) : "–";
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
