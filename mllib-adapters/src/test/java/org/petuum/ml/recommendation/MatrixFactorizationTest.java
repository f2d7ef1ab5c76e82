package org.petuum.ml.recommendation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ml.TestSpark;
import org.petuum.ps.PsContext;

/** {@link MatrixFactorization} on a two-executor {@code local-cluster}: fitting, Spark ML integration, persistence. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MatrixFactorizationTest {
    private static SparkSession spark;
    /** Generated ratings with a known noise level (0.3), a fixed train/test split. */
    private static Dataset<Row> train;
    private static Dataset<Row> test;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        spark = TestSpark.cluster();
        Dataset<Row>[] split = Ratings.generated(spark, 400, 150, 4, 24_000, 2.0, 1.0, 0.3, false, 7)
                .randomSplit(new double[] {0.9, 0.1}, 11);
        train = split[0].cache();
        test = split[1].cache();
    }

    private static double rmse(Dataset<Row> predictions) {
        return new RegressionEvaluator().setLabelCol("rating").setPredictionCol("prediction").setMetricName("rmse")
                .evaluate(predictions);
    }

    @Test
    void fitsOnTwoExecutorsWithBothSchedulesAndComesCloseToTheNoise() {
        for (String schedule : List.of("ssp", "rotation")) {
            MatrixFactorizationModel model = new MatrixFactorization().setSchedule(schedule).setNumWorkers(2)
                    .setColdStartStrategy("drop").fit(train);
            double rmse = rmse(model.transform(test));
            assertTrue(rmse < 0.3 * 1.25, schedule + ": test RMSE " + rmse + " (noise 0.3)");
            assertEquals(400, model.userFactors().count(), schedule);
            assertEquals(List.of("id", "features"), List.of(model.userFactors().columns()));
            assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false),
                    model.itemFactors().schema().apply("features").dataType());
            double[] passes = model.summary().trainRmsePerPass();
            assertEquals(20, passes.length);
            assertTrue(passes[19] < passes[0], () -> schedule + ": training RMSE per pass " + List.of(passes));
            assertTrue(PsContext.get(spark).tables().isEmpty(), "tables left behind");
        }
    }

    @Test
    void rotationNeverGivesOneItemBlockToTwoWorkersInARound() {
        MfTraining.Outcome outcome = new MatrixFactorization().setSchedule("rotation").setNumWorkers(2).setMaxIter(3)
                .train(train);
        List<MfWorkerFunction.Result> workers = outcome.workerResults();
        assertEquals(2, workers.size());
        int rounds = workers.get(0).pushedBlocks().length;
        assertEquals(3 * 2, rounds);
        int busy = 0;
        for (int r = 0; r < rounds; r++) {
            Set<Integer> owners = new HashSet<>();
            for (MfWorkerFunction.Result w : workers) {
                int[] b = w.pushedBlocks()[r];
                if (b[0] < 0) {
                    continue;
                }
                busy++;
                assertEquals(b[0], b[1], "round " + r + ": one worker pushed items of blocks " + b[0] + ".." + b[1]);
                assertTrue(owners.add(b[0]), "round " + r + ": block " + b[0] + " updated by two workers");
            }
        }
        assertEquals(2 * rounds, busy, "every worker has ratings in every block here");
    }

    @Test
    void worksInAPipelineAfterAStringIndexer() {
        Dataset<Row> named = train.selectExpr("concat('u', cast(user as string)) as userName", "item", "rating");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("userName").setOutputCol("userIndex"),
                new MatrixFactorization().setUserCol("userIndex").setMaxIter(10)});
        PipelineModel model = pipeline.fit(named);
        Dataset<Row> out = model.transform(named);
        assertTrue(rmse(out) < 0.5, "training RMSE through the pipeline");
    }

    @Test
    void crossValidatesOverATwoByTwoGrid() {
        MatrixFactorization mf = new MatrixFactorization().setMaxIter(8).setColdStartStrategy("drop");
        ParamMap[] grid = new ParamGridBuilder().addGrid(mf.rank(), new int[] {2, 4})
                .addGrid(mf.regParam(), new double[] {0.02, 0.05}).build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(mf).setEstimatorParamMaps(grid).setNumFolds(2)
                .setEvaluator(new RegressionEvaluator().setLabelCol("rating")).setSeed(3).fit(train);
        assertEquals(4, cv.avgMetrics().length);
        for (double m : cv.avgMetrics()) {
            assertTrue(m > 0 && m < 1, "cross-validated RMSE " + m);
        }
        // Predicting the mean would score about 1.25 here (biases, interactions and noise of 0.3).
        double best = rmse(cv.transform(test));
        assertTrue(best < 0.7, "test RMSE of the best model " + best);
    }

    @Test
    void saveThenLoadGivesIdenticalPredictions() throws Exception {
        MatrixFactorization mf = new MatrixFactorization().setMaxIter(5).setRank(3).setPredictionCol("p");
        MatrixFactorizationModel model = mf.fit(train);
        String path = tmp.resolve("model").toString();
        model.write().save(path);
        MatrixFactorizationModel loaded = MatrixFactorizationModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals("p", loaded.getPredictionCol());
        assertEquals(3, loaded.rank());
        List<Row> a = model.transform(test).orderBy("user", "item").select("p").collectAsList();
        List<Row> b = loaded.transform(test).orderBy("user", "item").select("p").collectAsList();
        assertEquals(a, b);

        String estimatorPath = tmp.resolve("estimator").toString();
        mf.write().save(estimatorPath);
        MatrixFactorization again = MatrixFactorization.load(estimatorPath);
        assertEquals(3, again.getRank());
        assertEquals("p", again.getPredictionCol());
    }

    @Test
    void unknownUsersAndItemsFollowColdStartStrategy() {
        MatrixFactorizationModel model = new MatrixFactorization().setMaxIter(3).fit(train);
        StructType schema = new StructType().add("user", DataTypes.LongType).add("item", DataTypes.IntegerType);
        Dataset<Row> probe = spark.createDataFrame(List.of(RowFactory.create(1L, 1), RowFactory.create(99_999L, 1),
                RowFactory.create(1L, 99_999), RowFactory.create(5_000_000_000L, 1)), schema);
        List<Row> nan = model.transform(probe).orderBy("user", "item").collectAsList();
        assertEquals(4, nan.size());
        assertFalse(Float.isNaN(nan.get(0).getFloat(2)), "a known pair: " + nan.get(0));
        for (Row r : nan.subList(1, 4)) {
            assertTrue(Float.isNaN(r.getFloat(2)), "an unknown user or item: " + r);
        }
        List<Row> dropped = model.setColdStartStrategy("drop").transform(probe).collectAsList();
        assertEquals(1, dropped.size());
        assertEquals(1L, dropped.get(0).getLong(0));
    }

    @Test
    void recommendsTheTopItemsAndUsersByPrediction() {
        MatrixFactorizationModel model = new MatrixFactorization().setMaxIter(5).fit(train);
        Dataset<Row> forUsers = model.recommendForAllUsers(3);
        assertEquals(List.of("user", "recommendations"), List.of(forUsers.columns()));
        assertEquals(400, forUsers.count());
        Row first = forUsers.orderBy("user").first();
        List<Row> recs = first.getList(1);
        assertEquals(3, recs.size());
        assertTrue(recs.get(0).getFloat(1) >= recs.get(1).getFloat(1));
        // The best item's rating is what transform predicts for that pair.
        int user = first.getInt(0);
        int item = recs.get(0).getInt(0);
        Dataset<Row> pair = spark.createDataFrame(List.of(RowFactory.create(user, item, 0.0)), Ratings.SCHEMA);
        assertEquals(recs.get(0).getFloat(1), model.transform(pair).first().getFloat(3), 1e-4);
        // Nothing ranks above it for that user.
        Dataset<Row> allItems = model.itemFactors().selectExpr(user + " as user", "id as item", "0.0 as rating");
        float best = model.transform(allItems).agg(org.apache.spark.sql.functions.max("prediction")).first().getFloat(0);
        assertEquals(best, recs.get(0).getFloat(1), 1e-4);

        assertEquals(150, model.recommendForAllItems(2).count());
        Dataset<Row> subset = spark.createDataFrame(List.of(RowFactory.create(3, 0, 0.0), RowFactory.create(3, 1, 0.0),
                RowFactory.create(7, 0, 0.0), RowFactory.create(123_456, 0, 0.0)), Ratings.SCHEMA);
        List<Row> some = model.recommendForUserSubset(subset, 2).orderBy("user").collectAsList();
        assertEquals(2, some.size());
        assertEquals(3, some.get(0).getInt(0));
        assertEquals(7, some.get(1).getInt(0));
        assertNotEquals(0, some.get(0).getList(1).size());
    }

    @Test
    void copiesKeepTheirParameters() {
        MatrixFactorization mf = new MatrixFactorization().setRank(7);
        MatrixFactorization copy = mf.copy(new ParamMap().put(mf.regParam().w(0.3)));
        assertEquals(7, copy.getRank());
        assertEquals(0.3, copy.getRegParam());
        assertEquals(mf.uid(), copy.uid());
    }
}
