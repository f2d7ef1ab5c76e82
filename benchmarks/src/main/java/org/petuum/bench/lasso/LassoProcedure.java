package org.petuum.bench.lasso;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.petuum.ps.PsContext;
import org.petuum.ml.regression.LassoParams;

/**
 * The measuring procedure of {@code bench lasso} on one data set: our variants interleaved for a number of repeats,
 * then MLlib's {@code maxIter} ladder, each measured run after a full collection. Prints one line per run as it
 * completes. Used by one thread.
 */
final class LassoProcedure {

    private final PrintWriter out;
    private final SparkSession spark;
    private final PsContext ps;
    private final int workers;
    private final LassoParams base;
    private final List<ScheduledContender.Variant> variants;
    private final double gap;
    private final int repeats;
    private final List<Integer> mllibLadder;
    private final double mllibBudget;

    /**
     * @param base        our settings but lambda, schedule and threshold (which come from problem and variant)
     * @param mllibLadder increasing {@code maxIter} values, tried in order until one reaches {@code gap}
     * @param mllibBudget seconds of MLlib fits on one data set after which the ladder is not climbed further
     */
    LassoProcedure(PrintWriter out, SparkSession spark, PsContext ps, int workers, LassoParams base,
                   List<ScheduledContender.Variant> variants, double gap, int repeats, List<Integer> mllibLadder,
                   double mllibBudget) {
        this.out = out;
        this.spark = spark;
        this.ps = ps;
        this.workers = workers;
        this.base = base;
        this.variants = List.copyOf(variants);
        this.gap = gap;
        this.repeats = repeats;
        this.mllibLadder = List.copyOf(mllibLadder);
        this.mllibBudget = mllibBudget;
    }

    /** Runs every variant of ours {@code repeats} times, then MLlib's ladder, on {@code p}. */
    LassoBenchReport.DataSetResult measure(LassoProblem p) {
        out.printf(Locale.ROOT, "%n== %s (lambda %.6g, target gap %.0e) ==%n", p.name(), p.lambda(), gap);
        ScheduledContender ours = new ScheduledContender(spark, p, workers, base, gap);
        MllibLasso mllib = new MllibLasso(spark, p, workers);
        try {
            List<LassoBenchReport.VariantRuns> ourResults = runOurs(ours);
            List<MllibLasso.Fit> ladder = new ArrayList<>();
            boolean cutShort = climbLadder(mllib, ladder);
            return new LassoBenchReport.DataSetResult(p, ourResults, ladder, mllibLadder.get(mllibLadder.size() - 1),
                    cutShort);
        } finally {
            ours.release();
            mllib.release();
        }
    }

    private List<LassoBenchReport.VariantRuns> runOurs(ScheduledContender ours) {
        List<List<ScheduledContender.Run>> runs = new ArrayList<>();
        int[] cap = new int[variants.size()];
        for (int v = 0; v < variants.size(); v++) {
            runs.add(new ArrayList<>());
            cap[v] = Integer.MAX_VALUE; // the base parameters' round limit applies
        }
        for (int r = 1; r <= repeats; r++) {
            // The order alternates from one repeat to the next, so that no variant always runs after the same one.
            for (int k = 0; k < variants.size(); k++) {
                int v = r % 2 == 1 ? k : variants.size() - 1 - k;
                ScheduledContender.Variant variant = variants.get(v);
                int limit = cap[v];
                ScheduledContender.Run run = measured(() -> ours.run(variant, limit));
                runs.get(v).add(run);
                if (r == 1 && run.reached() != null) {
                    // Runs are deterministic for a seed, so the later ones need only get a little past this round.
                    cap[v] = run.reached().round() + run.reached().round() / 50 + 10;
                }
                out.printf(Locale.ROOT, "run %d/%d %s%n", r, repeats, LassoBenchReport.describe(run, gap));
                out.flush();
            }
        }
        List<LassoBenchReport.VariantRuns> results = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            results.add(new LassoBenchReport.VariantRuns(variants.get(v), runs.get(v)));
        }
        return results;
    }

    /**
     * Fits MLlib with each {@code maxIter} of the ladder in turn, into {@code fits}, until one reaches the gap;
     * returns whether the time budget cut the ladder short.
     */
    private boolean climbLadder(MllibLasso mllib, List<MllibLasso.Fit> fits) {
        double spent = 0;
        for (int i = 0; i < mllibLadder.size(); i++) {
            int maxIter = mllibLadder.get(i);
            MllibLasso.Fit f = measured(() -> mllib.run(maxIter, gap));
            fits.add(f);
            spent += f.seconds();
            out.println(LassoBenchReport.describe(f));
            out.flush();
            if (f.gap() <= gap) {
                return false;
            }
            if (spent >= mllibBudget && i + 1 < mllibLadder.size()) {
                out.printf(Locale.ROOT, "MLlib's ladder stopped: %.1f s spent (budget %.0f s)%n", spent, mllibBudget);
                return true;
            }
        }
        return false;
    }

    /**
     * Every system {@code times} times on a small problem, unmeasured, so that JIT compilation and Spark's first jobs
     * do not count.
     */
    void warmUp(int times, LassoProblem p) {
        ScheduledContender ours = new ScheduledContender(spark, p, workers, base, gap);
        MllibLasso mllib = new MllibLasso(spark, p, workers);
        try {
            for (int i = 1; i <= times; i++) {
                long start = System.nanoTime();
                for (ScheduledContender.Variant v : variants) {
                    ours.run(v, Integer.MAX_VALUE);
                }
                mllib.run(20, gap);
                out.printf(Locale.ROOT, "warm-up %d/%d (%,d × %,d generated, every system once): %.1f s%n", i, times,
                        p.rows().size(), p.features(), (System.nanoTime() - start) / 1e9);
                out.flush();
            }
        } finally {
            ours.release();
            mllib.release();
        }
    }

    /**
     * One measured run after a full collection: in local mode Spark's executors share this JVM, so the previous
     * run's garbage would otherwise be collected on the next run's time.
     */
    private static <T> T measured(Supplier<T> run) {
        System.gc();
        return run.get();
    }
}
