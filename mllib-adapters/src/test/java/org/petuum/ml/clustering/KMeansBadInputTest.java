package org.petuum.ml.clustering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.petuum.ml.TestSpark;
import org.petuum.ps.PsContext;

/** Bad input fails before any table exists, with a message naming the column or parameter, and leaves no table. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KMeansBadInputTest {
    private static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, false).add("features", SQLDataTypes.VectorType(), true);
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.cluster();
    }

    @Test
    void missingColumnIsNamedWithTheColumnsThatExist() {
        String m = failsWithoutTables(() -> new KMeans().setFeaturesCol("vec").fit(points(5)));
        assertTrue(m.contains("featuresCol") && m.contains("'vec'") && m.contains("features"), m);
    }

    @Test
    void mistypedColumnIsNamedWithItsType() {
        String m = failsWithoutTables(() -> new KMeans().setFeaturesCol("name").fit(points(5)));
        assertTrue(m.contains("featuresCol") && m.contains("'name'") && m.contains("string"), m);
    }

    @Test
    void nanOrInfiniteFeatureIsNamed() {
        List<Row> rows = rows(6);
        rows.add(RowFactory.create(99, "bad", Vectors.dense(1, Double.NaN)));
        String m = failsWithoutTables(() -> new KMeans().fit(frame(rows)));
        assertTrue(m.contains("featuresCol") && m.contains("'features'") && m.contains("NaN"), m);
        List<Row> inf = rows(6);
        inf.add(RowFactory.create(98, "bad", Vectors.sparse(2, new int[] {1}, new double[] {Double.POSITIVE_INFINITY})));
        String mi = failsWithoutTables(() -> new KMeans().fit(frame(inf)));
        assertTrue(mi.contains("'features'") && mi.contains("Infinity"), mi);
    }

    @Test
    void nullVectorAndMixedSizesAreNamed() {
        List<Row> rows = rows(6);
        rows.add(RowFactory.create(97, "none", null));
        String m = failsWithoutTables(() -> new KMeans().fit(frame(rows)));
        assertTrue(m.contains("'features'") && m.contains("null"), m);
        List<Row> mixed = rows(6);
        mixed.add(RowFactory.create(96, "wide", Vectors.dense(1, 2, 3)));
        String mm = failsWithoutTables(() -> new KMeans().fit(frame(mixed)));
        assertTrue(mm.contains("'features'") && mm.contains("3") && mm.contains("2"), mm);
    }

    @Test
    void kOutOfRangeNamesTheParameterAndTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KMeans().setK(1));
        assertTrue(e.getMessage().contains("k") && e.getMessage().contains("1"), e.getMessage());
        String m = failsWithoutTables(() -> new KMeans().setK(6).fit(points(5)));
        assertEquals("k : 6 (expected: <= 5, the number of rows to cluster)", m);
        assertThrows(IllegalArgumentException.class, () -> new KMeans().setMaxIter(0));
        assertThrows(IllegalArgumentException.class, () -> new KMeans().setTol(-1));
        assertThrows(IllegalArgumentException.class, () -> new KMeans().setInitMode("k-means++"));
    }

    @Test
    void emptyDatasetIsRefused() {
        String m = failsWithoutTables(() -> new KMeans().fit(frame(new ArrayList<>())));
        assertTrue(m.contains("no rows"), m);
    }

    @Test
    void moreWorkersThanSlotsIsRefused() {
        String m = failsWithoutTables(() -> new KMeans().setNumWorkers(3).fit(points(8)));
        assertTrue(m.contains("numWorkers") && m.contains("3") && m.contains("<= 2"), m);
    }

    @Test
    void predictionColumnThatExistsIsRefused() {
        String m = failsWithoutTables(() -> new KMeans().setPredictionCol("id").fit(points(5)));
        assertTrue(m.contains("predictionCol") && m.contains("'id'"), m);
    }

    private static String failsWithoutTables(Executable fit) {
        List<String> before = tables();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, fit);
        assertEquals(before, tables(), "a failed fit left tables behind");
        return e.getMessage();
    }

    private static List<String> tables() {
        return PsContext.get(spark).tables().stream().map(t -> t.name()).collect(Collectors.toList());
    }

    private static Dataset<Row> points(int n) {
        return frame(rows(n));
    }

    private static List<Row> rows(int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create(i, "p" + i, Vectors.dense(i, i % 2)));
        }
        return rows;
    }

    private static Dataset<Row> frame(List<Row> rows) {
        return spark.createDataFrame(new ArrayList<>(rows), SCHEMA).repartition(2);
    }
}
