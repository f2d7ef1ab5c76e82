package org.petuum.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The result table of {@code mf-vs-als}: medians per system, then ratios. "Total" is from cached ratings to a trained
 * model with its test RMSE (fit plus evaluation), for both systems.
 */
final class MfVsAlsReport {

    private final List<MfContender> contenders;
    private final List<List<MfContender.Run>> mf;
    private final List<AlsBaseline.Run> als;

    MfVsAlsReport(List<MfContender> contenders, List<List<MfContender.Run>> mf, List<AlsBaseline.Run> als) {
        if (mf.isEmpty() || mf.stream().anyMatch(List::isEmpty) || als.isEmpty()) {
            throw new IllegalArgumentException("runs : none of a system (expected: >= 1 each)");
        }
        this.contenders = List.copyOf(contenders);
        this.mf = List.copyOf(mf);
        this.als = List.copyOf(als);
    }

    void print(PrintWriter out) {
        double alsTotal = Median.of(als, AlsBaseline.Run::totalSeconds);
        double alsFit = Median.of(als, AlsBaseline.Run::fitSeconds);
        double alsRmse = Median.of(als, AlsBaseline.Run::testRmse);

        out.println();
        out.printf(Locale.ROOT, "medians of %d measured run(s) of each system%n", als.size());
        out.println("| system | fit s | s per pass | total s | test RMSE | ALS total / total |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (int c = 0; c < contenders.size(); c++) {
            List<MfContender.Run> runs = mf.get(c);
            double total = Median.of(runs, MfContender.Run::wallSeconds);
            out.printf(Locale.ROOT, "| MatrixFactorization, %s (ours) | %.2f | %.3f | %.2f | %.4f | %s |%n",
                    contenders.get(c).schedule(), Median.of(runs, MfContender.Run::trainingSeconds),
                    Median.of(runs, MfContender.Run::secondsPerPass), total,
                    Median.of(runs, MfContender.Run::testRmse), ratio(alsTotal, total));
        }
        out.printf(Locale.ROOT, "| MLlib ALS | %.2f | | %.2f | %.4f | 1.00× |%n", alsFit, alsTotal, alsRmse);
        out.println("fit s: MF from the creation of its table to the end of the run; ALS's fit(). total s: fit + "
                + "transform and RMSE on the test set.");
        out.flush();
    }

    private static String ratio(double numerator, double denominator) {
        if (!Double.isFinite(numerator) || !Double.isFinite(denominator) || denominator <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", numerator / denominator);
    }
}
