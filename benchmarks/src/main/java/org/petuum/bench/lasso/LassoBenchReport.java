package org.petuum.bench.lasso;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.petuum.bench.Median;
import org.petuum.ml.regression.LassoParams;

/**
 * The result tables of {@code bench lasso}: per data set, what each system needed to first reach the target gap
 * {@code (F - F*) / F*}, then the ratios between them, then the round protocol's overhead.
 */
final class LassoBenchReport {

    /** The measured runs of one variant of our solver on one data set; the first one ran uncapped. */
    record VariantRuns(ScheduledContender.Variant variant, List<ScheduledContender.Run> runs) {

        double updates() {
            return Median.of(runs, ScheduledContender.Run::updatesToTarget);
        }

        double seconds() {
            return Median.of(runs, ScheduledContender.Run::secondsToTarget);
        }
    }

    /**
     * Everything measured on one data set.
     *
     * @param ours          our variants, dynamic ones first, the random schedule last
     * @param mllibLadder   the MLlib fits in the order run, with growing {@code maxIter}; the last one either reached
     *                      the target or was the last rung tried
     * @param mllibTopRung  the ladder's last rung
     * @param mllibCutShort whether the ladder stopped early because it ran out of its time budget
     */
    record DataSetResult(LassoProblem problem, List<VariantRuns> ours, List<MllibLasso.Fit> mllibLadder,
                         int mllibTopRung, boolean mllibCutShort) {

        MllibLasso.Fit mllibReaching(double target) {
            for (MllibLasso.Fit f : mllibLadder) {
                if (f.gap() <= target) {
                    return f;
                }
            }
            return null;
        }

        VariantRuns random() {
            return ours.stream().filter(v -> v.variant().schedule() == LassoParams.Schedule.RANDOM).findFirst()
                    .orElse(null);
        }
    }

    private final List<DataSetResult> results;
    private final RoundOverhead.Result overhead;
    private final double target;
    private final int workers;

    LassoBenchReport(List<DataSetResult> results, RoundOverhead.Result overhead, double target, int workers) {
        this.results = List.copyOf(results);
        this.overhead = overhead;
        this.target = target;
        this.workers = workers;
    }

    void print(PrintWriter out) {
        String gap = String.format(Locale.ROOT, "%.0e", target);
        out.println();
        out.printf(Locale.ROOT, "To first reach a relative objective gap (F - F*)/F* <= %s (ours: medians of the "
                + "measured runs; MLlib: the smallest maxIter of the ladder that gets there)%n", gap);
        out.println("| data set | system | reached | coordinate updates | rounds / iterations | time to gap s "
                + "| whole fit s | final gap | non-zeros |");
        out.println("|---|---|---|---:|---:|---:|---:|---:|---:|");
        for (DataSetResult r : results) {
            for (VariantRuns v : r.ours()) {
                scheduledRow(out, r, v);
            }
            mllibRow(out, r);
        }

        out.println();
        out.println("| data set | n × p | lambda (/ lambda_max) | F* | dynamic variant | random / dynamic updates "
                + "| random / dynamic time | MLlib time / dynamic time | MLlib pro-rated time / dynamic time |");
        out.println("|---|---|---|---:|---|---:|---:|---:|---:|");
        for (DataSetResult r : results) {
            LassoProblem p = r.problem();
            VariantRuns random = r.random();
            MllibLasso.Fit m = r.mllibReaching(target);
            for (VariantRuns dyn : r.ours()) {
                if (dyn == random) {
                    continue;
                }
                double dynTime = dyn.seconds();
                String mllibRatio;
                String proRated;
                if (m != null) {
                    mllibRatio = ratio(m.seconds(), dynTime);
                    proRated = ratio(m.proRatedSeconds(), dynTime);
                } else {
                    // Not reached: the largest fit tried is a lower bound on MLlib's time.
                    MllibLasso.Fit last = r.mllibLadder().get(r.mllibLadder().size() - 1);
                    mllibRatio = Double.isFinite(dynTime) ? "> " + ratio(last.seconds(), dynTime) : "n/a";
                    proRated = mllibRatio;
                }
                out.printf(Locale.ROOT, "| %s | %,d × %,d | %.4g (%.2g) | %.6g | %s | %s | %s | %s | %s |%n",
                        p.name(), p.rows().size(), p.features(), p.lambda(), p.lambda() / p.lambdaMax(), p.fStar(),
                        dyn.variant().label(), random == null ? "n/a" : ratio(random.updates(), dyn.updates()),
                        random == null ? "n/a" : ratio(random.seconds(), dynTime), mllibRatio, proRated);
            }
        }
        out.println("Whole fit s, final gap and non-zeros of ours: the first run, which ran until its tolerance or "
                + "round limit; the later runs stopped soon after the round that first reached the gap. "
                + "Ratios of medians. Time to gap, ours: from calling fit to the end of the first round whose "
                + "objective is within the gap (the round's time on the scheduler's clock plus all of fit's time "
                + "outside that clock, tear-down included: an upper bound). MLlib: the whole fit() of the smallest "
                + "maxIter that gets within the gap; pro-rated: that time times (the first iteration within the gap, "
                + "from MLlib's objective history) / (iterations run), which favours MLlib. Both start from data "
                + "already held in the block managers.");

        if (overhead != null) {
            out.println();
            out.printf(Locale.ROOT, "Round protocol overhead, %d workers over the parameter server's loopback "
                    + "connections (%d × %d correlated problem, %,d rounds, %,d of them update rounds):%n", workers,
                    RoundOverhead.ROWS, RoundOverhead.FEATURES, overhead.rounds(), overhead.updateRounds());
            out.println("| measure | ms |");
            out.println("|---|---:|");
            out.printf(Locale.ROOT, "| update round, median (scheduler's clock: publish, workers compute and push, "
                    + "pull, commit) | %.3f |%n", overhead.updateRoundMedianMs());
            out.printf(Locale.ROOT, "| update round, 90th percentile | %.3f |%n", overhead.updateRoundP90Ms());
            out.printf(Locale.ROOT, "| every round, mean (full passes included) | %.3f |%n",
                    overhead.allRoundsMeanMs());
            out.printf(Locale.ROOT, "| a worker's arithmetic in one update round (timed alone on the driver) "
                    + "| %.3f |%n", overhead.computeMicros() / 1000);
            out.printf(Locale.ROOT, "| overhead per round = median update round - arithmetic | %.3f |%n",
                    overhead.overheadMs());
            out.printf(Locale.ROOT, "| whole fit / rounds (stage launch, set-up and tear-down included) | %.3f |%n",
                    overhead.fitSeconds() * 1e3 / overhead.rounds());
        }
        out.flush();
    }

    private void scheduledRow(PrintWriter out, DataSetResult r, VariantRuns v) {
        List<ScheduledContender.Run> runs = v.runs();
        long reached = runs.stream().filter(x -> x.reached() != null).count();
        double rounds = Median.of(runs, ScheduledContender.Run::roundsToTarget);
        // The first run was not capped: its whole fit, final gap and support describe a run to convergence.
        ScheduledContender.Run first = runs.get(0);
        out.printf(Locale.ROOT, "| %s | %s (ours) | %d of %d runs | %s | %s | %s | %.2f | %.1e | %d |%n",
                r.problem().name(), v.variant().label(), reached, runs.size(), count(v.updates()), count(rounds),
                seconds(v.seconds()), first.fitSeconds(), first.trueGap(), first.result().support());
    }

    private void mllibRow(PrintWriter out, DataSetResult r) {
        MllibLasso.Fit m = r.mllibReaching(target);
        if (m != null) {
            out.printf(Locale.ROOT, "| %s | MLlib LinearRegression | maxIter %d | - | %d (within at %d) | %.2f "
                            + "(pro-rated %.2f) | %.2f | %.1e | %d |%n", r.problem().name(), m.maxIter(),
                    m.iterations(), m.firstWithin(), m.seconds(), m.proRatedSeconds(), m.seconds(), m.gap(),
                    m.support());
        } else {
            MllibLasso.Fit last = r.mllibLadder().get(r.mllibLadder().size() - 1);
            String why = r.mllibCutShort()
                    ? String.format(Locale.ROOT, "not reached by maxIter %d (time budget spent; %d not tried)",
                    last.maxIter(), r.mllibTopRung())
                    : String.format(Locale.ROOT, "not reached at %d iterations", last.maxIter());
            out.printf(Locale.ROOT, "| %s | MLlib LinearRegression | %s | - | %d | - | %.2f | %.1e | %d |%n",
                    r.problem().name(), why, last.iterations(), last.seconds(), last.gap(), last.support());
        }
    }

    static String describe(ScheduledContender.Run run, double target) {
        return String.format(Locale.ROOT, "%s: fit %.2f s, %,d rounds (%d full passes), %,d updates, final gap %.1e "
                        + "(running objective off by %.0e)%s", run.system().label(), run.fitSeconds(),
                run.result().rounds(), run.result().fullPasses(), run.result().updates(), run.trueGap(),
                (run.result().objective() - run.trueObjective()) / run.trueObjective(), run.reached() == null
                        ? String.format(Locale.ROOT, ", gap %.0e not reached", target)
                        : String.format(Locale.ROOT, ", gap %.0e at round %,d after %,d updates, %.2f s", target,
                        run.reached().round(), run.reached().updates(), run.secondsToTarget()));
    }

    static String describe(MllibLasso.Fit f) {
        return String.format(Locale.ROOT, "MLlib maxIter %d: %d iterations, %.2f s, gap %.2e, %d non-zeros "
                        + "(objective %.8g; MLlib's own, rescaled: %.8g)%s", f.maxIter(), f.iterations(), f.seconds(),
                f.gap(), f.support(), f.objective(), f.ownObjective(), f.firstWithin() < 0 ? ""
                        : ", first within the gap at iteration " + f.firstWithin());
    }

    private static String count(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%,.0f", v) : "not reached";
    }

    private static String seconds(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "not reached";
    }

    private static String ratio(double numerator, double denominator) {
        if (!Double.isFinite(numerator) || !Double.isFinite(denominator) || denominator <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", numerator / denominator);
    }
}
