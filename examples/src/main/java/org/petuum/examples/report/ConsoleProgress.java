package org.petuum.examples.report;

import java.io.PrintWriter;
import java.util.function.LongSupplier;
import org.petuum.ps.Progress;
import org.petuum.ps.ProgressListener;

/**
 * Shows progress on the command line: on a terminal one line that is rewritten in place (a carriage return, the
 * new text, spaces over what is left of the old), elsewhere (a pipe, a log file, CI) plain lines, at most one every
 * two seconds and always the last step's, so logs stay readable. {@link #finish()} ends an in-place line so that the next output starts on a line of its own.
 *
 * <p>Thread-safe: reports arrive on the driver's message threads while the command's own thread prints.
 */
public final class ConsoleProgress implements ProgressListener {
    /** Plain lines come at most this often (a run's clocks can be milliseconds apart), the last step always. */
    private static final long PLAIN_EVERY_NANOS = 2_000_000_000L;

    private final PrintWriter out;
    private final boolean inPlace;
    private final LongSupplier nanoTime;
    private int lastLength;
    private long lastPlain = Long.MIN_VALUE;

    /**
     * @param inPlace rewrite one line (for a terminal: {@code System.console() != null}) or print a line per report
     */
    public ConsoleProgress(PrintWriter out, boolean inPlace) {
        this(out, inPlace, System::nanoTime);
    }

    /** As {@link #ConsoleProgress(PrintWriter, boolean)}, with the clock that spaces plain lines. */
    public ConsoleProgress(PrintWriter out, boolean inPlace, LongSupplier nanoTime) {
        this.out = out;
        this.inPlace = inPlace;
        this.nanoTime = nanoTime;
    }

    /** For standard output: in place when it is a terminal. */
    public static ConsoleProgress forStdout(PrintWriter out) {
        return new ConsoleProgress(out, System.console() != null);
    }

    /**
     * Prints a line of the command's own (a result, a pass summary) on a line of its own: an in-place progress line
     * showing is cleared first, and the next report draws it again below.
     */
    public synchronized void println(String line) {
        if (inPlace && lastLength > 0) {
            out.print('\r');
            out.print(" ".repeat(lastLength));
            out.print('\r');
            lastLength = 0;
        }
        out.println(line);
        out.flush();
    }

    @Override
    public synchronized void onProgress(Progress progress) {
        String line = progress.toString();
        if (!inPlace) {
            long now = nanoTime.getAsLong();
            boolean last = progress.totalSteps() > 0 && progress.step() >= progress.totalSteps();
            if (!last && lastPlain != Long.MIN_VALUE && now - lastPlain < PLAIN_EVERY_NANOS) {
                return;
            }
            lastPlain = now;
        }
        if (inPlace) {
            out.print('\r');
            out.print(line);
            for (int i = line.length(); i < lastLength; i++) {
                out.print(' ');
            }
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the in-place line, if one is showing. */
    public synchronized void finish() {
        if (inPlace && lastLength > 0) {
            out.println();
            out.flush();
            lastLength = 0;
        }
    }
}
