package org.petuum.bench.straggler;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.petuum.bench.Median;
import org.petuum.bench.RunFacts;
import org.petuum.ssp.Consistency;

/**
 * The tables of {@code ssp-straggler-lr}: one per straggler mode, each model's median time to the target objective
 * and its speed-up over the reference model (the first one given, normally BSP) in the same mode.
 */
final class StragglerReport {

    /** One cell of the experiment: a consistency model under a straggler mode. */
    record Setting(Consistency model, Straggler.Mode mode) {
        String label() {
            return model + ", straggler: " + mode.label();
        }
    }

    private final List<Consistency> models;
    private final List<Straggler.Mode> modes;
    private final Map<Setting, List<LrJob.Result>> runs;
    private final double target;
    private final String targetSource;

    StragglerReport(List<Consistency> models, List<Straggler.Mode> modes, Map<Setting, List<LrJob.Result>> runs,
                    Double givenTarget, double slack) {
        this.models = List.copyOf(models);
        this.modes = List.copyOf(modes);
        this.runs = Map.copyOf(runs);
        if (givenTarget != null) {
            target = givenTarget;
            targetSource = "given with --target";
        } else {
            Setting reference = new Setting(models.get(0), modes.get(0));
            double last = Median.of(runs.get(reference), LrJob.Result::finalObjective);
            target = target(last, slack);
            targetSource = String.format(Locale.ROOT, "%s's median final objective with straggler '%s' (%.5f), plus "
                    + "%.1f%%", reference.model(), reference.mode().label(), last, 100 * slack);
        }
    }

    /** The default target: {@code slack} (a fraction) above the reference's final objective. */
    static double target(double referenceFinal, double slack) {
        if (!(referenceFinal > 0) || !Double.isFinite(referenceFinal)) {
            throw new IllegalArgumentException("reference objective : " + referenceFinal
                    + " (expected: a finite positive log loss)");
        }
        return referenceFinal * (1 + slack);
    }

    double target() {
        return target;
    }

    /** The median seconds to the target; infinite when at least half the runs never got there. */
    double secondsToTarget(Setting s) {
        return Median.of(runs.get(s), r -> r.secondsTo(target));
    }

    void print(PrintWriter out) {
        int repeats = runs.values().iterator().next().size();
        out.println();
        out.printf(Locale.ROOT, "target objective (mean held-out log loss) %.5f: %s%n", target, targetSource);
        out.printf(Locale.ROOT, "medians of %d run(s) each; s to target: from the start of training (all workers' "
                + "rows generated) to the first clock, all workers' reports in, whose objective is at most the "
                + "target%n", repeats);
        for (Straggler.Mode mode : modes) {
            out.println();
            out.println("straggler: " + mode.label());
            out.printf(Locale.ROOT, "| model | s to target | clock reached | work ms per clock | CPU ms per clock "
                    + "| wait ms per clock | wall ms per clock | final objective | speed-up over %s | time / %s's without a straggler |%n",
                    models.get(0), models.get(0));
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            double ref = secondsToTarget(new Setting(models.get(0), mode));
            double refNone = secondsToTarget(new Setting(models.get(0), modes.get(0)));
            for (Consistency model : models) {
                Setting s = new Setting(model, mode);
                List<LrJob.Result> r = runs.get(s);
                double t = secondsToTarget(s);
                out.printf(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %.5f | %s | %s |%n", model,
                        Double.isInfinite(t) ? "not reached" : String.format(Locale.ROOT, "%.2f", t), reached(r),
                        Median.of(r, LrJob.Result::workMs), Median.of(r, LrJob.Result::cpuMs),
                        Median.of(r, LrJob.Result::waitMs),
                        Median.of(r, x -> 1000 * x.trainingSeconds() / x.clocks().size()),
                        Median.of(r, LrJob.Result::finalObjective), RunFacts.ratio(ref, t), RunFacts.ratio(t, refNone));
            }
        }
        printAdaptive(out);
        out.flush();
    }

    /**
     * For each adaptive model (SSP_AUTO): its time to the target against the best fixed-staleness model (BSP, SSP,
     * ESSP: the sweep) and against the reference, in each straggler mode.
     */
    private void printAdaptive(PrintWriter out) {
        for (Consistency adaptive : models) {
            if (!adaptive.adaptive()) {
                continue;
            }
            out.println();
            out.printf(Locale.ROOT, "| %s | straggler | s to target | best fixed staleness | its s "
                    + "| time / best fixed's | speed-up over %s |%n", adaptive, models.get(0));
            out.println("|---|---|---:|---|---:|---:|---:|");
            for (Straggler.Mode mode : modes) {
                double t = secondsToTarget(new Setting(adaptive, mode));
                Consistency best = null;
                double bestT = Double.POSITIVE_INFINITY;
                for (Consistency fixed : models) {
                    double f = secondsToTarget(new Setting(fixed, mode));
                    if (fixed.bounded() && !fixed.adaptive() && (best == null || f < bestT)) {
                        best = fixed;
                        bestT = f;
                    }
                }
                double ref = secondsToTarget(new Setting(models.get(0), mode));
                out.printf(Locale.ROOT, "| %s | %s | %.2f | %s | %.2f | %s | %s |%n", adaptive, mode.label(), t,
                        best == null ? "-" : best.toString(), bestT, RunFacts.ratio(t, bestT), RunFacts.ratio(ref, t));
            }
        }
    }

    private String reached(List<LrJob.Result> r) {
        return r.stream().map(x -> {
            LrJob.Clock c = x.firstReaching(target);
            return c == null ? "-" : Integer.toString(c.clocks());
        }).collect(Collectors.joining(", "));
    }
}
