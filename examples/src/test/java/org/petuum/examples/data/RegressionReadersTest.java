package org.petuum.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ml.regression.LabeledRow;

class RegressionReadersTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void libsvmReadsSparseRowsWithZeroBasedIndices() throws IOException {
        RegressionData d = LibsvmReader.read(file("a.libsvm", "1.5 1:2 4:-1\n# comment\n\n0 2:0 3:7 # tail\n"));
        assertEquals(4, d.features());
        assertEquals(2, d.rows().size());
        LabeledRow r = d.rows().get(0);
        assertEquals(1.5, r.label());
        assertArrayEquals(new int[] {0, 3}, r.indices());
        assertArrayEquals(new double[] {2, -1}, r.values());
        assertArrayEquals(new int[] {2}, d.rows().get(1).indices(), "zero values are dropped");
    }

    @Test
    void libsvmNamesFileAndLineOfANonFiniteValue() throws IOException {
        Path p = file("bad.libsvm", "1 1:2\n2 1:NaN\n");
        InputFormatException e = assertThrows(InputFormatException.class, () -> LibsvmReader.read(p));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith(p + ":2: value of feature 1 must be a finite number"), e.getMessage());
        Path q = file("inf.libsvm", "Infinity 1:2\n");
        assertTrue(assertThrows(InputFormatException.class, () -> LibsvmReader.read(q)).getMessage()
                .contains(":1: label must be a finite number"));
    }

    @Test
    void libsvmRejectsIndicesOutOfOrderAndMalformedPairs() throws IOException {
        Path p = file("order.libsvm", "1 3:1 2:1\n");
        assertTrue(assertThrows(InputFormatException.class, () -> LibsvmReader.read(p)).getMessage()
                .contains(":1: feature index 2 (expected: >= 1 and greater than the previous index 3)"));
        Path q = file("pair.libsvm", "1 3\n");
        assertTrue(assertThrows(InputFormatException.class, () -> LibsvmReader.read(q)).getMessage()
                .contains("expected 'index:value'"));
        Path e = file("empty.libsvm", "\n# nothing\n");
        assertTrue(assertThrows(InputFormatException.class, () -> LibsvmReader.read(e)).getMessage()
                .endsWith("contains no rows"));
    }

    @Test
    void csvTakesTheLabelFromAColumnOrASecondFile() throws IOException {
        RegressionData d = CsvReader.read(file("a.csv", "x1,x2,y\n1,2,3\n4,0,6\n"), CsvReader.LAST_COLUMN, null);
        assertEquals(2, d.features());
        assertEquals(6.0, d.rows().get(1).label());
        assertArrayEquals(new int[] {0}, d.rows().get(1).indices());
        RegressionData s = CsvReader.read(file("x.txt", "1 2\n3 4\n"), -1, file("y.txt", "10\n20\n"));
        assertEquals(20.0, s.rows().get(1).label());
        assertArrayEquals(new double[] {3, 4}, s.rows().get(1).values());
    }

    @Test
    void csvNamesFileLineAndColumnOfBadValues() throws IOException {
        Path p = file("nan.csv", "1,2,3\n4,nan,6\n");
        InputFormatException e = assertThrows(InputFormatException.class,
                () -> CsvReader.read(p, CsvReader.LAST_COLUMN, null));
        assertTrue(e.getMessage().startsWith(p + ":2: column 2 must be a finite number"), e.getMessage());
        Path q = file("ragged.csv", "1,2,3\n4,5\n");
        assertTrue(assertThrows(InputFormatException.class, () -> CsvReader.read(q, 0, null)).getMessage()
                .contains(":2: expected 3 fields like the first row but got 2"));
        Path x = file("x2.txt", "1 2\n3 4\n");
        Path y = file("y2.txt", "10\n");
        assertTrue(assertThrows(InputFormatException.class, () -> CsvReader.read(x, -1, y)).getMessage()
                .contains("holds 1 labels but"));
    }

    @Test
    void readsTheSharedDiabetesAndCpusmallFiles() {
        String dirName = System.getProperty("petuum.data.dir");
        assumeTrue(dirName != null && Files.isDirectory(Path.of(dirName, "diabetes")),
                "the shared data folder (petuum.data.dir) is absent; skipping");
        Path data = Path.of(dirName);
        RegressionData diabetes = CsvReader.read(data.resolve("diabetes/diabetes_data_raw.csv.gz"), -1,
                data.resolve("diabetes/diabetes_target.csv.gz"));
        assertEquals(442, diabetes.rows().size());
        assertEquals(10, diabetes.features());
        assertEquals(151.0, diabetes.rows().get(0).label());
        RegressionData cpu = LibsvmReader.read(data.resolve("cpusmall/cpusmall"));
        assertEquals(8192, cpu.rows().size());
        assertEquals(12, cpu.features());
    }
}
