package org.petuum.ml.classification;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ml.TestSpark;
import org.petuum.ps.PsContext;

/** {@link LogisticRegression} on real data sets on a two-executor {@code local-cluster}. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LogisticRegressionTest {

    /** A LIBSVM file as {@code (label, features)} with labels {@code -1/+1} mapped to {@code 0/1}. */
    static Dataset<Row> binaryLibsvm(SparkSession spark, Path file, int numFeatures) {
        Dataset<Row> d = spark.read().format("libsvm").option("numFeatures", numFeatures).load(file.toString());
        return d.withColumn("label", when(col("label").lt(0), 0.0).otherwise(1.0));
    }

    static Dataset<Row> usps(SparkSession spark) {
        return spark.read().format("libsvm").option("numFeatures", 256)
                .load(TestSpark.data("usps/zip_train.libsvm.gz").toString());
    }

    private static double accuracy(Dataset<Row> predictions) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
    }

    @Test
    void binomialOnA9aReachesTestAccuracyAndEvaluatorsReadItsColumns() {
        SparkSession spark = TestSpark.cluster();
        Dataset<Row> train = binaryLibsvm(spark, TestSpark.data("a9a/a9a"), 123);
        Dataset<Row> test = binaryLibsvm(spark, TestSpark.data("a9a/a9a.t"), 123);

        LogisticRegressionModel model = new LogisticRegression().fit(train);

        assertEquals(2, model.numClasses());
        assertEquals(123, model.numFeatures());
        assertEquals(123, model.coefficients().size());
        assertEquals(1, model.coefficientMatrix().numRows());
        Dataset<Row> predicted = model.transform(test);
        double acc = accuracy(predicted);
        assertTrue(acc >= 0.84, "test accuracy " + acc);
        double auc = new BinaryClassificationEvaluator().evaluate(predicted);
        assertTrue(auc >= 0.89, "test AUC " + auc);
        double[] history = model.objectiveHistory();
        assertTrue(history.length >= 2 && history[history.length - 1] < history[0], "objective history");
        Row first = predicted.first();
        Vector p = first.getAs("probability");
        assertEquals(1.0, p.apply(0) + p.apply(1), 1e-12);
        assertTrue(PsContext.get(spark).tables().isEmpty(), "tables left: " + PsContext.get(spark).tables());
    }

    @Test
    void multinomialOnUspsClassifiesHeldOutDigits() {
        SparkSession spark = TestSpark.cluster();
        Dataset<Row>[] split = usps(spark).randomSplit(new double[] {0.8, 0.2}, 7);

        LogisticRegressionModel model = new LogisticRegression().setMaxIter(10).fit(split[0]);

        assertTrue(model.isMultinomial());
        assertEquals(10, model.numClasses());
        assertEquals(10, model.coefficientMatrix().numRows());
        assertEquals(256, model.coefficientMatrix().numCols());
        assertEquals(10, model.interceptVector().size());
        double acc = accuracy(model.transform(split[1]));
        assertTrue(acc >= 0.87, "held-out accuracy " + acc);
    }

    @Test
    void pipelineOfStringIndexerAndVectorAssemblerFitsAndSavesWithIdenticalPredictions(@TempDir Path dir)
            throws Exception {
        SparkSession spark = TestSpark.cluster();
        // Dense numeric columns and a string class, as a user's table would have them.
        Dataset<Row> iris = spark.read().format("libsvm").load(
                TestSpark.data("spark-mllib-samples/sample_multiclass_classification_data.txt").toString());
        Column x = vector_to_array(col("features"), "float64");
        Dataset<Row> table = iris.select(concat(lit("class-"), col("label").cast("int")).as("species"),
                x.getItem(0).as("a"), x.getItem(1).as("b"), x.getItem(2).as("c"), x.getItem(3).as("d"));
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("species").setOutputCol("label"),
                new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d"}).setOutputCol("features"),
                new LogisticRegression().setMaxIter(30).setStepSize(0.05)});

        PipelineModel fitted = pipeline.fit(table);
        double acc = accuracy(fitted.transform(table));
        assertTrue(acc >= 0.9, "training accuracy " + acc);

        String path = dir.resolve("pipeline").toString();
        fitted.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertEquals(fitted.transform(table).select("probability", "prediction").collectAsList(),
                loaded.transform(table).select("probability", "prediction").collectAsList());
    }

    @Test
    void savedModelLoadsWithIdenticalCoefficientsAndPredictions(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.cluster();
        Dataset<Row> data = usps(spark).limit(2000);
        LogisticRegressionModel model = new LogisticRegression().setMaxIter(3).setProbabilityCol("p").fit(data);

        String path = dir.resolve("model").toString();
        model.write().save(path);
        LogisticRegressionModel loaded = LogisticRegressionModel.load(path);

        assertEquals(model.uid(), loaded.uid());
        assertEquals("p", loaded.getProbabilityCol());
        assertArrayEquals(model.coefficientMatrix().toArray(), loaded.coefficientMatrix().toArray());
        assertArrayEquals(model.interceptVector().toArray(), loaded.interceptVector().toArray());
        List<Row> before = model.transform(data).select("rawPrediction", "p", "prediction").collectAsList();
        List<Row> after = loaded.transform(data).select("rawPrediction", "p", "prediction").collectAsList();
        assertEquals(before, after);

        LogisticRegression estimator = new LogisticRegression().setRegParam(0.25).setOptimizer("adagrad");
        String estimatorPath = dir.resolve("estimator").toString();
        estimator.save(estimatorPath);
        LogisticRegression back = LogisticRegression.load(estimatorPath);
        assertEquals(0.25, back.getRegParam());
        assertEquals("adagrad", back.getOptimizer());
        assertTrue(Files.exists(dir.resolve("model/data/coefficients")));
    }

    @Test
    void crossValidatorPicksFromATwoByTwoGrid() {
        SparkSession spark = TestSpark.cluster();
        Dataset<Row> data = usps(spark).limit(1500);
        LogisticRegression lr = new LogisticRegression().setMaxIter(3);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(lr.regParam(), new double[] {0.0, 10.0})
                .addGrid(lr.stepSize(), new double[] {0.01, 0.03})
                .build();
        CrossValidator cv = new CrossValidator().setEstimator(lr).setEstimatorParamMaps(grid).setNumFolds(2)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setSeed(3);

        CrossValidatorModel best = cv.fit(data);

        assertEquals(4, best.avgMetrics().length);
        LogisticRegressionModel chosen = (LogisticRegressionModel) best.bestModel();
        // A penalty of 10 on standardised coefficients leaves them near zero: no useful classifier.
        assertEquals(0.0, ((LogisticRegression) chosen.parent()).getRegParam());
        assertTrue(accuracy(best.transform(data)) > 0.85);
        assertTrue(PsContext.get(spark).tables().isEmpty(), "tables left: " + PsContext.get(spark).tables());
    }

    @Test
    void binomialWithoutInterceptOrStandardisationUsesSgd() {
        SparkSession spark = TestSpark.cluster();
        Dataset<Row> train = binaryLibsvm(spark, TestSpark.data("a9a/a9a"), 123);
        LogisticRegressionModel model = new LogisticRegression().setFitIntercept(false).setStandardization(false)
                .setOptimizer("sgd").setStepSize(0.5).setMaxIter(5).setRegParam(1e-4).fit(train);
        assertEquals(0.0, model.intercept());
        assertTrue(accuracy(model.transform(train)) > 0.8);
    }
}
