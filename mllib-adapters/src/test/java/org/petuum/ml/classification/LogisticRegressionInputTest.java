package org.petuum.ml.classification;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ml.TestSpark;
import org.petuum.ps.PsContext;

/**
 * Bad input to {@link LogisticRegression}: each case fails with an error naming the column or parameter, before any
 * table is created, and leaves no table behind.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LogisticRegressionInputTest {
    private static final StructType SCHEMA = new StructType()
            .add("features", SQLDataTypes.VectorType(), true)
            .add("label", DataTypes.DoubleType, true);

    private static Dataset<Row> rows(SparkSession spark, double... labelsThenLastFeature) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            out.add(RowFactory.create(Vectors.dense(i % 3, i % 5, 1.0), (double) (i % 2)));
        }
        for (int i = 0; i + 1 < labelsThenLastFeature.length; i += 2) {
            out.add(RowFactory.create(Vectors.dense(1, 2, labelsThenLastFeature[i + 1]), labelsThenLastFeature[i]));
        }
        return spark.createDataFrame(out, SCHEMA).repartition(3);
    }

    /** Runs {@code fit}, expecting an {@link IllegalArgumentException} whose message holds every {@code words}. */
    private static void rejects(Supplier<?> fit, String... words) {
        PsContext ps = PsContext.get(TestSpark.cluster());
        int before = ps.tables().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, fit::get);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
        }
        assertEquals(before, ps.tables().size(), "tables: " + ps.tables());
    }

    @Test
    void missingOrMistypedColumnsAreNamed() {
        SparkSession spark = TestSpark.cluster();
        Dataset<Row> good = rows(spark);
        rejects(() -> new LogisticRegression().setFeaturesCol("x").fit(good), "featuresCol", "'x'", "features, label");
        rejects(() -> new LogisticRegression().setLabelCol("y").fit(good), "labelCol", "'y'");
        rejects(() -> new LogisticRegression().fit(good.withColumn("label", lit("a"))), "labelCol", "string");
        rejects(() -> new LogisticRegression().setFeaturesCol("label").setLabelCol("label").fit(good),
                "featuresCol", "vector");
        rejects(() -> new LogisticRegression().fit(good.withColumn("prediction", lit(1))), "predictionCol",
                "already exists");
    }

    @Test
    void nanFeaturesAndBadLabelsAreNamedWithTheirValue() {
        SparkSession spark = TestSpark.cluster();
        rejects(() -> new LogisticRegression().fit(rows(spark, 1, Double.NaN)), "featuresCol", "NaN", "feature 2");
        rejects(() -> new LogisticRegression().fit(rows(spark, 1, Double.POSITIVE_INFINITY)), "featuresCol",
                "Infinity");
        rejects(() -> new LogisticRegression().fit(rows(spark, Double.NaN, 0)), "labelCol", "NaN");
        rejects(() -> new LogisticRegression().fit(rows(spark, 0.5, 0)), "labelCol", "0.5", "integer");
        rejects(() -> new LogisticRegression().fit(rows(spark, -1, 0)), "labelCol", "-1.0");
        Dataset<Row> nullLabel = rows(spark).withColumn("label",
                when(col("label").equalTo(1), lit(null).cast("double")).otherwise(col("label")));
        rejects(() -> new LogisticRegression().fit(nullLabel), "labelCol", "null");
        rejects(() -> new LogisticRegression().setFamily("binomial").fit(rows(spark, 2, 0)), "family", "binomial");
    }

    @Test
    void emptyDataTooManyWorkersAndParametersOutOfRangeFailBeforeAnyTable() {
        SparkSession spark = TestSpark.cluster();
        Dataset<Row> good = rows(spark);
        rejects(() -> new LogisticRegression().fit(good.filter(col("label").gt(5))), "empty");
        rejects(() -> new LogisticRegression().setNumWorkers(3).fit(good), "numWorkers", "3", "<= 2");
        rejects(() -> new LogisticRegression().setElasticNetParam(0.5).fit(good), "elasticNetParam", "not built");
        LogisticRegression lr = new LogisticRegression();
        assertThrows(IllegalArgumentException.class, () -> lr.setRegParam(-1));
        assertThrows(IllegalArgumentException.class, () -> lr.setMaxIter(0));
        assertThrows(IllegalArgumentException.class, () -> lr.setMiniBatchFraction(0));
        assertThrows(IllegalArgumentException.class, () -> lr.setOptimizer("lbfgs"));
        assertThrows(IllegalArgumentException.class, () -> lr.setFamily("poisson"));
        assertThrows(IllegalArgumentException.class, () -> lr.setStepSize(0));
    }

    @Test
    void aTinyValidDatasetFitsAndLeavesNoTable() {
        SparkSession spark = TestSpark.cluster();
        LogisticRegressionModel m = new LogisticRegression().setMaxIter(2).fit(rows(spark));
        assertEquals(3, m.numFeatures());
        assertTrue(PsContext.get(spark).tables().isEmpty(), "tables: " + PsContext.get(spark).tables());
    }
}
