package org.petuum.ml.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
import org.petuum.ml.TestSpark;
import org.petuum.ps.PsContext;
import org.petuum.ssp.TableRef;

/**
 * Bad input to {@link Lasso}: every failure names the column or parameter and what was expected, comes before any
 * table is created, and leaves the parameter server's tables as they were.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LassoBadInputTest {
    private static SparkSession spark;
    private static PsContext ps;

    @BeforeAll
    static void start() {
        spark = TestSpark.cluster();
        ps = PsContext.get(spark);
    }

    @Test
    void missingFeaturesColumnIsNamedWithTheColumnsThatExist() {
        assertFitFails(new Lasso().setFeaturesCol("feats"), good(),
                "featuresCol: no column 'feats' (columns: label, features)");
    }

    @Test
    void mistypedLabelColumnIsNamed() {
        Dataset<Row> good = good();
        Dataset<Row> data = good.withColumn("label", good.col("label").cast("string"));
        assertFitFails(new Lasso(), data, "labelCol: column 'label' has type string (expected: a numeric type)");
    }

    @Test
    void featuresThatAreNotAVectorAreNamed() {
        Dataset<Row> good = good();
        Dataset<Row> data = good.withColumn("features", good.col("label"));
        assertFitFails(new Lasso(), data, "featuresCol: column 'features' has type double (expected: vector");
    }

    @Test
    void nanFeatureIsNamedWithItsIndex() {
        assertFitFails(new Lasso(), frame(row(1, 1, 2), row(2, 3, Double.NaN)),
                "featuresCol: column 'features' holds NaN at index 1 (expected: finite values)");
    }

    @Test
    void infiniteLabelIsNamed() {
        assertFitFails(new Lasso(), frame(row(1, 1, 2), row(Double.POSITIVE_INFINITY, 3, 4)),
                "labelCol: column 'label' holds Infinity (expected: finite values)");
    }

    @Test
    void emptyDatasetFails() {
        assertFitFails(new Lasso(), frame(), "the dataset is empty (expected: at least one row)");
    }

    @Test
    void moreWorkersThanTaskSlotsFails() {
        int slots = ps.taskSlots();
        assertFitFails(new Lasso().setNumWorkers(slots + 1), good(), "numWorkers : " + (slots + 1)
                + " (expected: <= " + slots);
    }

    @Test
    void parametersOutOfRangeAreNamedWithTheirRange() {
        assertSetFails(l -> l.setRegParam(0), "regParam : 0.0 (expected: > 0)");
        assertSetFails(l -> l.setRegParam(Double.NaN), "regParam : NaN (expected: > 0)");
        assertSetFails(l -> l.setTol(1), "tol : 1.0 (expected: 0 < tol < 1)");
        assertSetFails(l -> l.setMaxIter(0), "maxIter : 0 (expected: >= 1)");
        assertSetFails(l -> l.setSchedule("greedy"), "schedule : greedy (expected: one of [dynamic, rotation, random])");
        assertSetFails(l -> l.setCorrelationThreshold(0), "correlationThreshold : 0.0 (expected: 0 < value <= 1)");
        assertSetFails(l -> l.setBlockSize(257), "blockSize : 257 (expected: 0 <= value <= 256 (0: chosen from the data))");
        assertSetFails(l -> l.setNumWorkers(-1), "numWorkers : -1 (expected: >= 0 (0: every task slot))");
    }

    @Test
    void goodInputFitsAndLeavesNoTableBehind() {
        // The premise of the checks above: the same data without the fault fits.
        List<String> before = tableNames();
        LassoModel model = new Lasso().setRegParam(0.01).fit(good());
        assertEquals(2, model.numFeatures());
        assertEquals(before, tableNames());
    }

    private static void assertSetFails(Consumer<Lasso> set, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.accept(new Lasso()));
        assertEquals(message, e.getMessage());
    }

    private static void assertFitFails(Lasso lasso, Dataset<Row> data, String message) {
        List<String> before = tableNames();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lasso.fit(data));
        assertTrue(e.getMessage().startsWith(message), () -> "message: " + e.getMessage() + "\nexpected: " + message);
        assertEquals(before, tableNames(), "the failed fit left tables behind or dropped some");
    }

    private static List<String> tableNames() {
        List<String> names = new ArrayList<>();
        for (TableRef t : ps.tables()) {
            names.add(t.name());
        }
        return names;
    }

    private static Dataset<Row> good() {
        return frame(row(1, 1, 2), row(2, 3, 1), row(0.5, 0, 1), row(3, 2, 2));
    }

    private static Row row(double label, double... features) {
        return RowFactory.create(label, Vectors.dense(features));
    }

    private static Dataset<Row> frame(Row... rows) {
        StructType schema = new StructType().add("label", DataTypes.DoubleType, true)
                .add("features", SQLDataTypes.VectorType(), true);
        return spark.createDataFrame(List.of(rows), schema).repartition(2);
    }
}
