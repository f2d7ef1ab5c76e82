package org.petuum.examples.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.petuum.ml.regression.LabeledRow;

/**
 * Reads LIBSVM files: {@code label index:value index:value ...} per line, indices 1-based and strictly increasing,
 * separated by spaces or tabs; gzip when the name ends in {@code .gz}. Blank lines and lines starting with {@code #}
 * are skipped, as is a trailing {@code # comment}. Zero values are dropped. Every problem (a bad label, index or
 * value, NaN or infinity, indices out of order, no rows) is an {@link InputFormatException} naming file and line.
 */
public final class LibsvmReader {
    private LibsvmReader() {
    }

    public static RegressionData read(Path file) {
        List<LabeledRow> rows = new ArrayList<>();
        int[] features = {0};
        TextLines.forEach(file, "a LIBSVM file", (number, raw) -> {
            LabeledRow row = parse(file, number, raw);
            if (row != null) {
                rows.add(row);
                features[0] = Math.max(features[0], lastIndex(row) + 1);
            }
        });
        if (rows.isEmpty()) {
            throw new InputFormatException(file, 0, "contains no rows");
        }
        return new RegressionData(rows, Math.max(features[0], 1));
    }

    /** The largest 0-based index the row's line named ({@code -1} for none), zeros included. */
    static int lastIndex(LabeledRow row) {
        return row.indices().length == 0 ? -1 : row.indices()[row.indices().length - 1];
    }

    /**
     * One line: the row, or {@code null} for a blank or comment line.
     *
     * @throws InputFormatException naming {@code file} and line {@code number}
     */
    public static LabeledRow parse(Path file, int number, String raw) {
        String line = raw;
        int hash = line.indexOf('#');
        if (hash >= 0) {
            line = line.substring(0, hash);
        }
        line = line.strip();
        if (line.isEmpty()) {
            return null;
        }
        String[] f = line.split("[ \t]+");
        double label = TextLines.number(file, number, "label", f[0]);
        int[] idx = new int[f.length - 1];
        double[] val = new double[f.length - 1];
        int k = 0;
        int prev = 0;
        for (int i = 1; i < f.length; i++) {
            int colon = f[i].indexOf(':');
            if (colon <= 0 || colon == f[i].length() - 1) {
                throw new InputFormatException(file, number, "expected 'index:value' but got "
                        + RatingsReader.echo(f[i]));
            }
            int index;
            try {
                index = Integer.parseInt(f[i], 0, colon, 10);
            } catch (NumberFormatException e) {
                throw new InputFormatException(file, number, "feature index is not an integer: "
                        + RatingsReader.echo(f[i].substring(0, colon)));
            }
            if (index <= prev) {
                throw new InputFormatException(file, number, "feature index " + index + " (expected: >= 1 and "
                        + "greater than the previous index " + prev + ")");
            }
            prev = index;
            double v = TextLines.number(file, number, "value of feature " + index, f[i].substring(colon + 1));
            if (v != 0 || i == f.length - 1) {
                // The last index is kept even when zero: it may be what tells the number of features.
                idx[k] = index - 1;
                val[k++] = v;
            }
        }
        return new LabeledRow(label, Arrays.copyOf(idx, k), Arrays.copyOf(val, k));
    }
}
