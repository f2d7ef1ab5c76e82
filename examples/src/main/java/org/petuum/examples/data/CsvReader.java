package org.petuum.examples.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.petuum.ml.regression.LabeledRow;

/**
 * Reads numeric CSV for regression: one row per line, fields separated by commas, tabs or spaces (chosen per line
 * in that order), gzip when the name ends in {@code .gz}. The label is either one column of the file or the one
 * number per line of a second file (scikit-learn's {@code diabetes_data_raw.csv.gz} with
 * {@code diabetes_target.csv.gz}). A first line that is not all numbers is a header and skipped; blank lines and
 * lines starting with {@code #} are skipped. Every row must have as many fields as the first; NaN, infinity and
 * non-numbers are {@link InputFormatException}s naming file, line and column.
 */
public final class CsvReader {
    /** The label is in the last column. */
    public static final int LAST_COLUMN = Integer.MAX_VALUE;

    private CsvReader() {
    }

    /**
     * @param labelColumn the 0-based column holding the label, {@link #LAST_COLUMN} for the last one, or {@code -1}
     *                    when {@code labels} holds them
     * @param labels      a file with one label per row, or {@code null}
     */
    public static RegressionData read(Path file, int labelColumnWanted, Path labels) {
        int labelColumn = labelColumnWanted;
        if ((labelColumnWanted < 0) == (labels == null)) {
            throw new IllegalArgumentException("give either a label column or a label file");
        }
        List<double[]> table = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        int[] width = {-1};
        TextLines.forEach(file, "a CSV file", (number, raw) -> {
            String line = raw.strip();
            if (line.isEmpty() || line.charAt(0) == '#') {
                return;
            }
            String[] f = split(line);
            if (table.isEmpty() && width[0] < 0 && !looksNumeric(f)) {
                width[0] = -2; // a header; the width comes from the first data row
                return;
            }
            if (width[0] < 0) {
                width[0] = f.length;
            } else if (f.length != width[0]) {
                throw new InputFormatException(file, number, "expected " + width[0] + " fields like the first row but "
                        + "got " + f.length);
            }
            double[] v = new double[f.length];
            for (int j = 0; j < f.length; j++) {
                v[j] = TextLines.number(file, number, "column " + (j + 1), f[j]);
            }
            table.add(v);
            lineOf.add(number);
        });
        if (table.isEmpty()) {
            throw new InputFormatException(file, 0, "contains no rows");
        }
        int cols = width[0];
        if (labelColumn == LAST_COLUMN) {
            labelColumn = cols - 1;
        }
        double[] y = new double[table.size()];
        if (labels != null) {
            List<Double> ys = new ArrayList<>();
            TextLines.forEach(labels, "a label file", (number, raw) -> {
                String line = raw.strip();
                if (line.isEmpty() || line.charAt(0) == '#') {
                    return;
                }
                String[] f = split(line);
                if (f.length != 1) {
                    throw new InputFormatException(labels, number, "expected one label but got " + f.length + " fields");
                }
                ys.add(TextLines.number(labels, number, "label", f[0]));
            });
            if (ys.size() != table.size()) {
                throw new InputFormatException(labels, 0, "holds " + ys.size() + " labels but " + file + " has "
                        + table.size() + " rows");
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = ys.get(i);
            }
        } else if (labelColumn >= cols) {
            throw new InputFormatException(file, lineOf.get(0), "label column " + (labelColumn + 1)
                    + " does not exist: rows have " + cols + " fields");
        }
        List<LabeledRow> rows = new ArrayList<>(table.size());
        int features = labels != null ? cols : cols - 1;
        for (int i = 0; i < table.size(); i++) {
            double[] v = table.get(i);
            if (labels != null) {
                rows.add(LabeledRow.dense(y[i], v));
            } else {
                double[] x = new double[features];
                for (int j = 0, k = 0; j < cols; j++) {
                    if (j != labelColumn) {
                        x[k++] = v[j];
                    }
                }
                rows.add(LabeledRow.dense(v[labelColumn], x));
            }
        }
        if (features < 1) {
            throw new InputFormatException(file, 0, "has no feature columns besides the label");
        }
        return new RegressionData(rows, features);
    }

    static String[] split(String line) {
        if (line.indexOf(',') >= 0) {
            String[] f = line.split(",", -1);
            for (int i = 0; i < f.length; i++) {
                f[i] = f[i].strip();
            }
            return f;
        }
        return line.split(line.indexOf('\t') >= 0 ? "\t" : " +");
    }

    static boolean looksNumeric(String[] fields) {
        for (String f : fields) {
            try {
                Double.parseDouble(f);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }
}
