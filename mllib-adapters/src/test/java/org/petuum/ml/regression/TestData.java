package org.petuum.ml.regression;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The shared datasets, read just enough for the tests (the command line has the full readers). */
final class TestData {
    record Problem(List<LabeledRow> rows, int features) {
    }

    private TestData() {
    }

    static Path dataDir(String dataset) {
        String dir = System.getProperty("petuum.data.dir");
        assumeTrue(dir != null, "system property petuum.data.dir is not set; skipping the tests on real data");
        Path p = Path.of(dir, dataset);
        assumeTrue(Files.isDirectory(p), "dataset folder " + p + " is absent; skipping the tests on it");
        return p;
    }

    /** scikit-learn's diabetes data: 442 rows, 10 raw features, space separated, target in a second file. */
    static Problem diabetes() throws IOException {
        Path dir = dataDir("diabetes");
        List<String> x = lines(dir.resolve("diabetes_data_raw.csv.gz"));
        List<String> y = lines(dir.resolve("diabetes_target.csv.gz"));
        List<LabeledRow> rows = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            String[] f = x.get(i).trim().split("[\\s,]+");
            double[] v = new double[f.length];
            for (int j = 0; j < f.length; j++) {
                v[j] = Double.parseDouble(f[j]);
            }
            rows.add(LabeledRow.dense(Double.parseDouble(y.get(i).trim()), v));
        }
        return new Problem(rows, 10);
    }

    static Problem cpusmall() throws IOException {
        return libsvm(dataDir("cpusmall").resolve("cpusmall"));
    }

    static Problem libsvm(Path file) throws IOException {
        List<LabeledRow> rows = new ArrayList<>();
        int features = 0;
        for (String line : lines(file)) {
            String[] f = line.trim().split("\\s+");
            int[] idx = new int[f.length - 1];
            double[] val = new double[f.length - 1];
            for (int k = 1; k < f.length; k++) {
                int colon = f[k].indexOf(':');
                idx[k - 1] = Integer.parseInt(f[k].substring(0, colon)) - 1;
                val[k - 1] = Double.parseDouble(f[k].substring(colon + 1));
                features = Math.max(features, idx[k - 1] + 1);
            }
            rows.add(new LabeledRow(Double.parseDouble(f[0]), idx, val));
        }
        return new Problem(rows, features);
    }

    private static List<String> lines(Path file) throws IOException {
        var in = Files.newInputStream(file);
        var stream = file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (!l.isBlank()) {
                    out.add(l);
                }
            }
        }
        return out;
    }
}
