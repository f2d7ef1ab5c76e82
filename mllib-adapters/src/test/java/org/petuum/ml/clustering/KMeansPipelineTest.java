package org.petuum.ml.clustering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ml.TestSpark;

/** KMeans as Spark ML uses stages: in a pipeline, under cross-validation with MLlib's evaluator, saved and loaded. */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class KMeansPipelineTest {
    private static SparkSession spark;
    private static Dataset<Row> columns;

    @BeforeAll
    static void start() {
        spark = TestSpark.cluster();
        Dataset<Row> blobs = Blobs.generate(spark, 60, 0.5, false, 21, 2);
        // The blobs as plain numeric columns, for VectorAssembler to put together again.
        Dataset<Row> arrays = blobs.withColumn("a", org.apache.spark.ml.functions.vector_to_array(
                functions.col("features"), "float64"));
        columns = arrays.select(functions.col("label"), functions.col("a").getItem(0).as("x0"),
                functions.col("a").getItem(1).as("x1"), functions.col("a").getItem(2).as("x2"),
                functions.col("a").getItem(3).as("x3"), functions.col("a").getItem(4).as("x4")).cache();
    }

    private static VectorAssembler assembler() {
        return new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3", "x4"})
                .setOutputCol("features");
    }

    @Test
    void pipelineOfAssemblerAndKMeansSavesAndLoads(@TempDir Path dir) throws IOException {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(),
                new KMeans().setK(4).setSeed(1)});
        PipelineModel fitted = pipeline.fit(columns);
        KMeansModel model = (KMeansModel) fitted.stages()[1];
        assertTrue(Blobs.worstMiss(model.clusterCenters()) < 0.3);

        String path = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertEquals(predictions(fitted), predictions(loaded));
        KMeansModel loadedModel = (KMeansModel) loaded.stages()[1];
        assertEquals(model.uid(), loadedModel.uid());
        assertFalse(loadedModel.hasSummary());
        Vector[] a = model.clusterCenters();
        Vector[] b = loadedModel.clusterCenters();
        for (int c = 0; c < a.length; c++) {
            assertArrayEquals(a[c].toArray(), b[c].toArray(), 0.0);
        }

        // The estimator alone, with its parameters.
        String estimatorPath = dir.resolve("estimator").toString();
        new KMeans().setK(3).setStaleness(1).setInitMode(KMeans.RANDOM).save(estimatorPath);
        KMeans back = KMeans.load(estimatorPath);
        assertEquals(3, back.getK());
        assertEquals(1, back.getStaleness());
        assertEquals(KMeans.RANDOM, back.getInitMode());
        assertTrue(Files.exists(Path.of(estimatorPath, "metadata")));
    }

    @Test
    void modelSavedAloneGivesIdenticalPredictions(@TempDir Path dir) throws IOException {
        Dataset<Row> data = assembler().transform(columns);
        KMeansModel model = new KMeans().setK(4).setSeed(2).setPredictionCol("c").fit(data);
        String path = dir.resolve("model").toString();
        model.save(path);
        KMeansModel loaded = KMeansModel.load(path);
        assertEquals("c", loaded.getPredictionCol());
        assertEquals(model.transform(data).select("c").collectAsList(),
                loaded.transform(data).select("c").collectAsList());
    }

    @Test
    void crossValidatorPicksKByClusteringEvaluator() {
        KMeans kmeans = new KMeans().setSeed(3);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(), kmeans});
        ParamMap[] grid = new ParamGridBuilder().addGrid(kmeans.k(), new int[] {2, 4})
                .addGrid(kmeans.maxIter(), new int[] {5, 20}).build();
        assertEquals(4, grid.length);
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(new ClusteringEvaluator()).setNumFolds(2).setSeed(4).fit(columns);
        KMeansModel best = (KMeansModel) ((PipelineModel) cv.bestModel()).stages()[1];
        // Four blobs: silhouette prefers k = 4.
        assertEquals(4, best.numClusters());
        double[] metrics = cv.avgMetrics();
        assertEquals(4, metrics.length);
        double silhouette = new ClusteringEvaluator().evaluate(cv.transform(columns));
        assertTrue(silhouette > 0.8, "silhouette " + silhouette);
    }

    private static List<Row> predictions(PipelineModel m) {
        return m.transform(columns).select("x0", "x1", "prediction").orderBy("x0", "x1").collectAsList();
    }
}
