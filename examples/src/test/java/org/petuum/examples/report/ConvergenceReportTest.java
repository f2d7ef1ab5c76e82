package org.petuum.examples.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvergenceReportTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir
  Path dir;

  private static ConvergenceReport twentyClocks() {
    ConvergenceReport report = new ConvergenceReport(20);
    for (int clock = 1; clock <= 20; clock++) {
      double train = 0.5 + 3.0 / clock;
      report.add(clock, train, train + 0.3 - 0.01 * clock, 0.61 * clock, 1.52e6 + 1000 * clock);
    }
    return report;
  }

  @Test
  void csvHasTheHeaderAndOneRowPerClock() throws IOException {
    ConvergenceReport report = new ConvergenceReport(3);
    report.add(1, 3.91214567, 4.2201, 0.6149, 1_523_456.7);
    report.add(2, 2.5, 3.0, 1.2, 1_600_000);
    Path csv = dir.resolve("run/convergence.csv");

    report.writeCsv(csv);

    assertEquals("clock,train_rmse,test_rmse,elapsed_s,updates_per_s\n"
        + "1,3.912146,4.220100,0.615,1523457\n"
        + "2,2.500000,3.000000,1.200,1600000\n", Files.readString(csv));
  }

  @Test
  void csvLeavesAnUnmeasuredTestRmseEmpty() throws IOException {
    ConvergenceReport report = new ConvergenceReport(1);
    report.add(1, 1.0, Double.NaN, 2.0, 10);
    Path csv = dir.resolve("convergence.csv");

    report.writeCsv(csv);

    assertEquals("clock,train_rmse,test_rmse,elapsed_s,updates_per_s\n1,1.000000,,2.000,10\n", Files.readString(csv));
  }

  @Test
  void progressLineShowsClockRmsesTimeAndThroughput() {
    ConvergenceReport report = new ConvergenceReport(20);

    String line = report.progressLine(report.add(3, 3.91214, 4.22009, 1.8412, 1.52e6));

    assertEquals("pass   3/20  train RMSE 3.9121  test RMSE 4.2201  elapsed   1.84 s   1.52 M updates/s", line);
  }

  @Test
  void progressLinesKeepTheirWidthAcrossMagnitudes() {
    ConvergenceReport report = new ConvergenceReport(100);

    String small = report.progressLine(report.add(1, 0.9, Double.NaN, 0.5, 523));
    String large = report.progressLine(report.add(100, 1.25, 1.5, 123.456, 2.5e9));

    assertEquals("pass   1/100  train RMSE 0.9000  test RMSE    n/a  elapsed   0.50 s    523   updates/s", small);
    assertEquals(small.length(), large.length());
    assertEquals(small.indexOf("elapsed"), large.indexOf("elapsed"));
  }

  @Test
  void pngIsAPngImageOfSomeSubstance() throws IOException {
    Path png = dir.resolve("charts/convergence.png");

    twentyClocks().writePng(png, "mf on synthetic data", 0.5, "noise level");

    byte[] bytes = Files.readAllBytes(png);
    assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
    assertTrue(bytes.length > 5 * 1024, () -> "PNG has only " + bytes.length + " bytes");
    assertEquals("true", System.getProperty("java.awt.headless"));
  }

  @Test
  void pngIsWrittenToExactlyTheGivenPathWithoutAReferenceLineOrTestSet() throws IOException {
    ConvergenceReport report = new ConvergenceReport(2);
    report.add(1, 2.0, Double.NaN, 1.0, 100);
    report.add(2, 1.0, Double.NaN, 2.0, 100);
    Path file = dir.resolve("chart.bin");

    report.writePng(file, "no test set", null, null);

    assertTrue(Files.size(file) > 0);
    assertTrue(Files.notExists(dir.resolve("chart.bin.png")));
  }

  @Test
  void pngRefusesAReportWithNothingToDraw() {
    ConvergenceReport report = new ConvergenceReport(2);
    report.add(1, Double.NaN, Double.NaN, 1.0, 0);

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> report.writePng(dir.resolve("empty.png"), "t", null, null));

    assertEquals("nothing to plot: 1 rows and none has a finite RMSE", e.getMessage());
  }

  @Test
  void rowRejectsANegativeElapsedTime() {
    ConvergenceReport report = new ConvergenceReport(2);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> report.add(1, 1, 1, -1, 0));

    assertEquals("elapsedSeconds : -1.0 (expected: finite and >= 0)", e.getMessage());
  }

  @Test
  void rowsAreASnapshotInOrderOfAddition() {
    ConvergenceReport report = twentyClocks();

    var rows = report.rows();
    report.add(21, 1, 1, 20, 1);

    assertEquals(20, rows.size());
    assertEquals(1, rows.get(0).clock());
    assertEquals(20, rows.get(19).clock());
  }
}
