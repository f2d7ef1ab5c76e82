package org.petuum.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.petuum.ps.Progress;

class ConsoleProgressTest {

    private static Progress clock(int step, long elapsedMillis) {
        return Progress.of("run 7", step, 10, "clock", step * 1000.0 / elapsedMillis, "clocks/s", elapsedMillis);
    }

    @Test
    void printsPlainLinesAtMostEveryTwoSecondsAndAlwaysTheLastWhenNotOnATerminal() {
        StringWriter s = new StringWriter();
        long[] now = {0};
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(s), false, () -> now[0]);
        p.onProgress(clock(1, 100));
        now[0] = 1_000_000_000L;
        p.onProgress(clock(2, 200));                               // one second later: left out
        now[0] = 2_000_000_000L;
        p.onProgress(clock(3, 300).withObjective("train RMSE", 0.91234));
        now[0] = 2_100_000_000L;
        p.onProgress(clock(10, 1000));                             // the last step: always shown
        p.finish();
        assertEquals("run 7  clock 1/10  10.00 clocks/s  0.1 s\n"
                + "run 7  clock 3/10  train RMSE 0.9123  10.00 clocks/s  0.3 s\n"
                + "run 7  clock 10/10  10.00 clocks/s  1.0 s\n", s.toString().replace("\r\n", "\n"));
    }

    @Test
    void aCommandsOwnLineClearsTheProgressLineFirst() {
        StringWriter s = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(s), true);
        p.onProgress(clock(1, 100));
        p.println("pass 1 done");
        String first = "run 7  clock 1/10  10.00 clocks/s  0.1 s";
        assertEquals("\r" + first + "\r" + " ".repeat(first.length()) + "\r" + "pass 1 done" + System.lineSeparator(),
                s.toString());
    }

    @Test
    void rewritesOneLineInPlaceOnATerminalAndBlanksWhatIsLeftOfALongerOne() {
        StringWriter s = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(s), true);
        p.onProgress(clock(1, 100).withObjective("train RMSE", 1.5));
        p.onProgress(clock(2, 200));
        p.finish();
        String first = "run 7  clock 1/10  train RMSE 1.5000  10.00 clocks/s  0.1 s";
        String second = "run 7  clock 2/10  10.00 clocks/s  0.2 s";
        assertEquals("\r" + first + "\r" + second + " ".repeat(first.length() - second.length())
                + System.lineSeparator(), s.toString());
    }
}
