package org.petuum.examples.report;

import java.io.PrintWriter;
import org.petuum.ps.Progress;
import org.petuum.ps.ProgressListener;

/**
 * Shows progress on the command line: on a terminal one line that is rewritten in place (a carriage return, the
 * new text, spaces over what is left of the old), elsewhere (a pipe, a log file, CI) one plain line per report, so
 * logs stay readable. {@link #finish()} ends an in-place line so that the next output starts on a line of its own.
 *
 * <p>Thread-safe: reports arrive on the driver's message threads while the command's own thread prints.
 */
public final class ConsoleProgress implements ProgressListener {
    private final PrintWriter out;
    private final boolean inPlace;
    private int lastLength;

    /**
     * @param inPlace rewrite one line (for a terminal: {@code System.console() != null}) or print a line per report
     */
    public ConsoleProgress(PrintWriter out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
    }

    /** For standard output: in place when it is a terminal. */
    public static ConsoleProgress forStdout(PrintWriter out) {
        return new ConsoleProgress(out, System.console() != null);
    }

    @Override
    public synchronized void onProgress(Progress progress) {
        String line = progress.toString();
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
