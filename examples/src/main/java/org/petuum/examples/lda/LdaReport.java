package org.petuum.examples.lda;

import java.awt.Color;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.petuum.ml.clustering.LDAPass;

/** The convergence of an LDA fit: a console line per pass, and the whole run as CSV and as a PNG chart. */
final class LdaReport {
    static final String CSV_HEADER = "pass,log_likelihood_per_token,elapsed_s,tokens_per_s";

    private LdaReport() {
    }

    /** {@code pass   3/50  log-likelihood/token -7.9123  elapsed   1.84 s   1.52 M tokens/s}. */
    static String progressLine(LDAPass p, int passes) {
        int width = Math.max(3, Integer.toString(passes).length());
        return String.format(Locale.ROOT, "pass %" + width + "d/%d  log-likelihood/token %8.4f  elapsed %7.2f s  %s"
                + " tokens/s", p.pass(), passes, p.logLikelihoodPerToken(), p.elapsedSeconds(),
                rate(p.tokensPerSecond()));
    }

    static void writeCsv(List<LDAPass> trace, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(CSV_HEADER);
            out.write('\n');
            for (LDAPass p : trace) {
                out.write(String.format(Locale.ROOT, "%d,%.6f,%.3f,%.0f\n", p.pass(), p.logLikelihoodPerToken(),
                        p.elapsedSeconds(), p.tokensPerSecond()));
            }
        }
    }

    static void writePng(List<LDAPass> trace, Path file, String title) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // before AWT first asks; no display is needed
        }
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("elapsed time (s)")
                .yAxisTitle("log-likelihood per token").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE).setMarkerSize(5).setAntiAlias(true);
        chart.getStyler().setXAxisMin(0.0).setYAxisDecimalPattern("0.000");
        double[] x = trace.stream().mapToDouble(LDAPass::elapsedSeconds).toArray();
        double[] y = trace.stream().mapToDouble(LDAPass::logLikelihoodPerToken).toArray();
        XYSeries s = chart.addSeries("training (leave-one-out)", x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(new Color(0x1f77b4));
        s.setMarkerColor(new Color(0x1f77b4));
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%6.2f M", perSecond / 1e6);
        } else if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%6.2f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%6.0f  ", perSecond);
    }
}
