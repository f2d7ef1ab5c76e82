package org.petuum.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.petuum.examples.report.ConvergenceReport;

/**
 * The result table of {@code mf-vs-als}: medians per system, then ratios. "Time" is from ratings in driver memory to
 * a trained model with its test RMSE: for MF the wall time around {@code MfJob.run}, for ALS fit plus evaluation.
 */
final class MfVsAlsReport {

    private final List<MfContender.Run> mf;
    private final List<AlsBaseline.Run> als;
    private final long testSize;

    MfVsAlsReport(List<MfContender.Run> mf, List<AlsBaseline.Run> als, long testSize) {
        if (mf.isEmpty() || als.isEmpty()) {
            throw new IllegalArgumentException("runs : " + mf.size() + " MF, " + als.size() + " ALS (expected: >= 1 each)");
        }
        this.mf = List.copyOf(mf);
        this.als = List.copyOf(als);
        this.testSize = testSize;
    }

    void print(PrintWriter out) {
        double mfTotal = Median.of(mf, MfContender.Run::wallSeconds);
        double mfTraining = Median.of(mf, MfContender.Run::trainingSeconds);
        double mfRmse = Median.of(mf, MfContender.Run::testRmse);
        double alsTotal = Median.of(als, AlsBaseline.Run::totalSeconds);
        double alsFit = Median.of(als, AlsBaseline.Run::fitSeconds);
        double alsEval = Median.of(als, AlsBaseline.Run::evalSeconds);
        double alsRmse = Median.of(als, AlsBaseline.Run::testRmse);
        double mfToTarget = Median.of(mf, r -> r.secondsTo(alsRmse));
        long reached = mf.stream().filter(r -> r.firstReaching(alsRmse) != null).count();

        out.println();
        out.printf(Locale.ROOT, "medians of %d measured run(s) of each system%n", Math.min(mf.size(), als.size()));
        out.println("| system | fit s | total s | final test RMSE |");
        out.println("|---|---:|---:|---:|");
        out.printf(Locale.ROOT, "| MF on SSP tables (ours) | %.2f | %.2f | %.4f |%n", mfTraining, mfTotal, mfRmse);
        out.printf(Locale.ROOT, "| MLlib ALS | %.2f | %.2f | %.4f |%n", alsFit, alsTotal, alsRmse);
        out.println("fit s: MF's training loop (MfJob.Result.seconds(), per-clock evaluation included); ALS's fit().");
        out.printf(Locale.ROOT, "total s: MF's wall time around MfJob.run (set-up and final RMSE included, %.2f s more "
                + "than fit); ALS's fit + transform/RMSE on the test set (%.2f s).%n", mfTotal - mfTraining, alsEval);
        long alsRows = als.get(0).testRowsEvaluated();
        if (alsRows != testSize) {
            out.printf(Locale.ROOT, "ALS's RMSE covers %d of %d test ratings (cold start \"drop\"); MF's covers all.%n",
                    alsRows, testSize);
        }

        out.println();
        out.println("| ratio | value |");
        out.println("|---|---:|");
        out.printf(Locale.ROOT, "| ALS total / MF total | %s |%n", ratio(alsTotal, mfTotal));
        out.printf(Locale.ROOT, "| ALS fit / MF fit | %s |%n", ratio(alsFit, mfTraining));
        out.printf(Locale.ROOT, "| MF time to ALS's test RMSE (%.4f), from start of training | %s |%n", alsRmse,
                Double.isInfinite(mfToTarget) ? "not reached" : String.format(Locale.ROOT, "%.2f s", mfToTarget));
        out.printf(Locale.ROOT, "| ALS total / MF time to ALS's test RMSE | %s |%n", ratio(alsTotal, mfToTarget));
        out.printf(Locale.ROOT, "MF reached ALS's test RMSE in %d of %d run(s), at clock(s) %s of %d (per-clock RMSE as "
                + "measured by the workers, within the staleness bound; at the last clock %.4f, against %.4f for the "
                + "final model measured by the driver).%n", reached, mf.size(), clocksReaching(alsRmse),
                mf.get(0).clocks().isEmpty() ? 0 : mf.get(0).clocks().get(mf.get(0).clocks().size() - 1).clock(),
                Median.of(mf, MfVsAlsReport::lastClockTestRmse), mfRmse);
        out.flush();
    }

    /** The workers' test RMSE at the last clock, or infinity if the run reported none. */
    private static double lastClockTestRmse(MfContender.Run run) {
        List<ConvergenceReport.Row> clocks = run.clocks();
        double rmse = clocks.isEmpty() ? Double.NaN : clocks.get(clocks.size() - 1).testRmse();
        return Double.isNaN(rmse) ? Double.POSITIVE_INFINITY : rmse;
    }

    private String clocksReaching(double target) {
        return mf.stream().map(r -> {
            ConvergenceReport.Row row = r.firstReaching(target);
            return row == null ? "-" : Integer.toString(row.clock());
        }).collect(Collectors.joining(", "));
    }

    private static String ratio(double numerator, double denominator) {
        if (!Double.isFinite(numerator) || !Double.isFinite(denominator) || denominator <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", numerator / denominator);
    }
}
