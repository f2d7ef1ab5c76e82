package org.petuum.bench.ssp;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.petuum.bench.Median;
import org.petuum.bench.RunFacts;
import org.petuum.examples.report.ConvergenceReport;

/**
 * The result tables of {@code ssp-straggler}: per model, the median time to the target test RMSE with and without
 * the straggler, and the ratios to the reference model (the first one given, normally BSP).
 */
final class SspStragglerReport {

    private final List<SspStragglerCommand.Setting> settings;
    private final Map<SspStragglerCommand.Setting, List<StragglerRun>> runs;
    private final double target;
    private final String targetSource;

    SspStragglerReport(List<SspStragglerCommand.Setting> settings, Map<SspStragglerCommand.Setting,
            List<StragglerRun>> runs, Double targetRmse, double slack) {
        this.settings = List.copyOf(settings);
        this.runs = Map.copyOf(runs);
        if (targetRmse != null) {
            this.target = targetRmse;
            this.targetSource = "given with --target-rmse";
        } else {
            SspStragglerCommand.Setting reference = settings.get(0);
            double last = Median.of(runs.get(reference), StragglerRun::lastClockTestRmse);
            this.target = last * (1 + slack);
            this.targetSource = String.format(Locale.ROOT, "%s's median test RMSE at its last clock without the "
                    + "straggler (%.4f), plus %.1f%%", reference.model(), last, 100 * slack);
        }
    }

    void print(PrintWriter out) {
        SspStragglerCommand.Setting refNone = settings.get(0);
        SspStragglerCommand.Setting refSlow = settings.get(1);
        double refNoneTime = time(refNone);
        double refSlowTime = time(refSlow);
        int repeats = runs.get(refNone).size();

        out.println();
        out.printf(Locale.ROOT, "target test RMSE %.4f: %s%n", target, targetSource);
        out.printf(Locale.ROOT, "medians of %d run(s) each; time to target: from the start of training to the end of "
                + "the first clock, all workers done, whose test RMSE (measured by the workers) is at most the target%n",
                repeats);
        out.println("| model | straggler | s to target | clock reached | training s (all clocks) | s per clock "
                + "| final test RMSE |");
        out.println("|---|---|---:|---:|---:|---:|---:|");
        for (SspStragglerCommand.Setting s : settings) {
            List<StragglerRun> r = runs.get(s);
            double t = time(s);
            double training = Median.of(r, StragglerRun::trainingSeconds);
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.3f | %.4f |%n", s.model(),
                    s.straggler() ? "yes" : "no", Double.isInfinite(t) ? "not reached" : String.format(Locale.ROOT,
                            "%.2f", t), clocksReaching(r), training,
                    training / Math.max(1, r.get(0).clocks().size()), Median.of(r, StragglerRun::testRmse));
        }

        out.println();
        out.printf(Locale.ROOT, "| model | speed-up over %s, with the straggler (aim for SSP(3): ≥ 1.50×) | time / %s's, "
                        + "without a straggler (aim for SSP(3): ≤ 1.10×) | own slowdown from the straggler |%n",
                refNone.model(), refNone.model());
        out.println("|---|---:|---:|---:|");
        for (int i = 0; i < settings.size(); i += 2) {
            SspStragglerCommand.Setting none = settings.get(i);
            SspStragglerCommand.Setting slow = settings.get(i + 1);
            out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", none.model(), RunFacts.ratio(refSlowTime, time(slow)),
                    RunFacts.ratio(time(none), refNoneTime), RunFacts.ratio(time(slow), time(none)));
        }
        out.flush();
    }

    /** The median time to the target; infinite when at least half the runs never got there. */
    private double time(SspStragglerCommand.Setting s) {
        return Median.of(runs.get(s), r -> r.secondsTo(target));
    }

    private String clocksReaching(List<StragglerRun> r) {
        return r.stream().map(x -> {
            ConvergenceReport.Row row = x.firstReaching(target);
            return row == null ? "-" : Integer.toString(row.clock());
        }).collect(Collectors.joining(", "));
    }
}
