package org.petuum.examples.report;

import java.awt.Color;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The convergence of one training run, one row per clock: training and test RMSE, elapsed time and throughput. It
 * formats a progress line per row for the console and writes the whole run as CSV and as a PNG chart.
 *
 * <p>An RMSE of NaN means "not measured" (for instance no test set) and is shown as {@code n/a}, written as an empty
 * CSV field and left out of the chart.
 *
 * <p>Not thread-safe: it belongs to the thread that runs the training loop.
 */
public final class ConvergenceReport {

  static final String CSV_HEADER = "clock,train_rmse,test_rmse,elapsed_s,updates_per_s";

  private static final int CHART_WIDTH = 800;
  private static final int CHART_HEIGHT = 500;
  private static final Color TRAIN_COLOR = new Color(0x1f77b4);
  private static final Color TEST_COLOR = new Color(0xd62728);
  private static final Color REFERENCE_COLOR = new Color(0x555555);

  private final int totalClocks;
  private final List<Row> rows = new ArrayList<>();

  /** The measurements after one clock. */
  public record Row(int clock, double trainRmse, double testRmse, double elapsedSeconds, double updatesPerSecond) {

    public Row {
      if (clock < 0) {
        throw new IllegalArgumentException("clock : " + clock + " (expected: >= 0)");
      }
      if (!(elapsedSeconds >= 0 && Double.isFinite(elapsedSeconds))) {
        throw new IllegalArgumentException("elapsedSeconds : " + elapsedSeconds + " (expected: finite and >= 0)");
      }
      if (!(updatesPerSecond >= 0 && Double.isFinite(updatesPerSecond))) {
        throw new IllegalArgumentException(
            "updatesPerSecond : " + updatesPerSecond + " (expected: finite and >= 0)");
      }
    }
  }

  /**
   * @param totalClocks the number of clocks the run is planned for, shown as the denominator in progress lines
   */
  public ConvergenceReport(int totalClocks) {
    if (totalClocks < 1) {
      throw new IllegalArgumentException("totalClocks : " + totalClocks + " (expected: >= 1)");
    }
    this.totalClocks = totalClocks;
  }

  /** Records the measurements after one clock and returns them, for {@link #progressLine}. */
  public Row add(int clock, double trainRmse, double testRmse, double elapsedSeconds, double updatesPerSecond) {
    Row row = new Row(clock, trainRmse, testRmse, elapsedSeconds, updatesPerSecond);
    rows.add(row);
    return row;
  }

  /** The rows recorded so far, in the order they were added; the list does not change afterwards. */
  public List<Row> rows() {
    return Collections.unmodifiableList(new ArrayList<>(rows));
  }

  public int totalClocks() {
    return totalClocks;
  }

  /**
   * One fixed-width line for the console, such as
   * {@code pass   3/20  train RMSE 3.9121  test RMSE 4.2201  elapsed   1.84 s   1.52 M updates/s}.
   */
  public String progressLine(Row row) {
    int clockWidth = Math.max(3, Integer.toString(totalClocks).length());
    return String.format(Locale.ROOT, "pass %" + clockWidth + "d/%d  train RMSE %s  test RMSE %s  elapsed %6.2f s"
            + " %s updates/s", row.clock(), totalClocks, rmseForConsole(row.trainRmse()),
        rmseForConsole(row.testRmse()), row.elapsedSeconds(), rate(row.updatesPerSecond()));
  }

  /**
   * Writes the rows as CSV with header {@value #CSV_HEADER}, creating missing parent directories and replacing an
   * existing file.
   */
  public void writeCsv(Path file) throws IOException {
    createParentDirectories(file);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(CSV_HEADER);
      out.write('\n');
      for (Row row : rows) {
        // "\n" rather than %n: the file should not depend on the platform that wrote it.
        out.write(String.format(Locale.ROOT, "%d,%s,%s,%.3f,%.0f\n", row.clock(), rmseForCsv(row.trainRmse()),
            rmseForCsv(row.testRmse()), row.elapsedSeconds(), row.updatesPerSecond()));
      }
    }
  }

  /**
   * Draws training and test RMSE against elapsed seconds into an 800×500 PNG, creating missing parent directories and
   * replacing an existing file. Works without a display: it sets {@code java.awt.headless=true} unless the property is
   * already set.
   *
   * @param referenceRmse an RMSE to draw as a horizontal dashed line (the noise level of synthetic data, or what a
   *     reference method reached), or null for none; a value that is not finite is not drawn
   * @param referenceLabel the legend text for that line, such as {@code "noise level"}; null gives "reference"
   * @throws IllegalStateException if no row has a finite RMSE to draw
   */
  public void writePng(Path file, String title, Double referenceRmse, String referenceLabel) throws IOException {
    useHeadlessGraphicsUnlessChosen();
    XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(title)
        .xAxisTitle("elapsed time (s)").yAxisTitle("RMSE").build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNE).setChartBackgroundColor(Color.WHITE)
        .setMarkerSize(6).setAntiAlias(true);
    // Time starts at 0 so that the ticks fall on round numbers and runs of different length compare by eye.
    chart.getStyler().setXAxisMin(0.0).setYAxisDecimalPattern("0.000");

    int plotted = addSeries(chart, "train RMSE", true, TRAIN_COLOR) + addSeries(chart, "test RMSE", false, TEST_COLOR);
    if (plotted == 0) {
      throw new IllegalStateException("nothing to plot: " + rows.size() + " rows and none has a finite RMSE");
    }
    if (referenceRmse != null && Double.isFinite(referenceRmse)) {
      double last = rows.stream().mapToDouble(Row::elapsedSeconds).max().orElse(0);
      String label = (referenceLabel == null ? "reference" : referenceLabel)
          + String.format(Locale.ROOT, " (%.4f)", referenceRmse);
      XYSeries reference = chart.addSeries(label, new double[] {0, last},
          new double[] {referenceRmse, referenceRmse});
      reference.setMarker(SeriesMarkers.NONE);
      reference.setLineStyle(SeriesLines.DASH_DASH);
      reference.setLineColor(REFERENCE_COLOR);
    }

    createParentDirectories(file);
    // The OutputStream form writes to exactly this path; the file-name form would append ".png" when it is missing.
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
    }
  }

  /** Adds the finite points of one RMSE column as a series and returns how many there were. */
  private int addSeries(XYChart chart, String name, boolean train, Color color) {
    double[] x = new double[rows.size()];
    double[] y = new double[rows.size()];
    int n = 0;
    for (Row row : rows) {
      double rmse = train ? row.trainRmse() : row.testRmse();
      if (Double.isFinite(rmse)) {
        x[n] = row.elapsedSeconds();
        y[n] = rmse;
        n++;
      }
    }
    if (n > 0) {
      XYSeries series = chart.addSeries(name, Arrays.copyOf(x, n), Arrays.copyOf(y, n));
      series.setMarker(SeriesMarkers.CIRCLE);
      series.setLineColor(color);
      series.setMarkerColor(color);
    }
    return n;
  }

  private static void useHeadlessGraphicsUnlessChosen() {
    // Must happen before AWT first asks whether it is headless, which it does once and remembers; on a machine
    // without a display the chart code would otherwise fail while looking for one.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private static void createParentDirectories(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  private static String rmseForConsole(double rmse) {
    if (Double.isNaN(rmse)) {
      return "   n/a";
    }
    if (Double.isInfinite(rmse)) {
      return rmse > 0 ? "   inf" : "  -inf";
    }
    return String.format(Locale.ROOT, "%6.4f", rmse);
  }

  private static String rmseForCsv(double rmse) {
    if (Double.isNaN(rmse)) {
      return "";
    }
    if (Double.isInfinite(rmse)) {
      return rmse > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.6f", rmse);
  }

  /** A rate with a k/M/G prefix, right-aligned in 8 characters. */
  private static String rate(double perSecond) {
    if (perSecond >= 1e9) {
      return String.format(Locale.ROOT, "%6.2f G", perSecond / 1e9);
    } else if (perSecond >= 1e6) {
      return String.format(Locale.ROOT, "%6.2f M", perSecond / 1e6);
    } else if (perSecond >= 1e3) {
      return String.format(Locale.ROOT, "%6.2f k", perSecond / 1e3);
    }
    return String.format(Locale.ROOT, "%6.0f  ", perSecond);
  }
}
