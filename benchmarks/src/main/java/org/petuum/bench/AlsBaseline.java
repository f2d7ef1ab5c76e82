package org.petuum.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.examples.data.RatingsData;

/**
 * Spark MLlib's {@link ALS} on the benchmark's split, as the baseline: rank {@value #RANK}, {@value #MAX_ITER}
 * iterations, regParam {@value #REG_PARAM}, cold-start strategy "drop", fixed seed, everything else at MLlib's
 * defaults. Users and items are the dense indices of {@link RatingsData}, as int columns.
 *
 * <p>The training and test DataFrames are built once, before any run, and held in the executors' block managers
 * with their lineage cut ({@link Dataset#localCheckpoint(boolean)}), so that neither system is charged for getting
 * the ratings into its own form: our MF reads the same DataFrames. Caching alone is not
 * enough: the partitions of a parallelised collection carry their rows, so every task over a merely cached
 * DataFrame would still ship its slice of the ratings from the driver.
 *
 * <p>Used by one thread, the benchmark's.
 */
final class AlsBaseline {

    static final int RANK = 10;
    static final int MAX_ITER = 10;
    static final double REG_PARAM = 0.1;
    static final String COLD_START = "drop";

    private static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("rating", DataTypes.DoubleType, false);

    /** One fit and evaluation; times in seconds of wall time. */
    record Run(double fitSeconds, double evalSeconds, double testRmse, long testRowsEvaluated) {
        /** Fit plus evaluation: from cached ratings to a model and its test RMSE. */
        double totalSeconds() {
            return fitSeconds + evalSeconds;
        }
    }

    private final Dataset<Row> train;
    private final Dataset<Row> test;
    private final long seed;

    private AlsBaseline(Dataset<Row> train, Dataset<Row> test, long seed) {
        this.train = train;
        this.test = test;
        this.seed = seed;
    }

    /** Builds and materialises the two DataFrames. */
    static AlsBaseline prepare(SparkSession spark, RatingsData train, RatingsData test, long seed) {
        Dataset<Row> trainFrame = cached(spark, train);
        Dataset<Row> testFrame = cached(spark, test);
        return new AlsBaseline(trainFrame, testFrame, seed);
    }

    /** The cached training ratings, {@code (user INT, item INT, rating DOUBLE)}. */
    Dataset<Row> train() {
        return train;
    }

    /** The cached test ratings. */
    Dataset<Row> test() {
        return test;
    }

    /** A description of the settings, for the benchmark's header. */
    String settings() {
        ALS als = configured();
        return "rank " + als.getRank() + ", maxIter " + als.getMaxIter() + ", regParam " + als.getRegParam()
                + ", coldStartStrategy " + als.getColdStartStrategy() + ", seed " + als.getSeed() + ", "
                + als.getNumUserBlocks() + " user / " + als.getNumItemBlocks() + " item blocks, "
                + train.rdd().getNumPartitions() + " input partitions";
    }

    /**
     * Fits a model and evaluates it on the test set, timing the two separately. The evaluation is
     * {@code transform} plus {@link RegressionEvaluator} (RMSE), which runs the predictions once.
     */
    Run run() {
        ALS als = configured();
        long start = System.nanoTime();
        ALSModel model = als.fit(train);
        long fitted = System.nanoTime();
        Dataset<Row> predictions = model.transform(test);
        double rmse = new RegressionEvaluator().setMetricName("rmse").setLabelCol("rating")
                .setPredictionCol(als.getPredictionCol()).evaluate(predictions);
        long evaluated = System.nanoTime();
        // Outside the timed span: how many test ratings the "drop" strategy kept.
        long rows = predictions.count();
        return new Run((fitted - start) / 1e9, (evaluated - fitted) / 1e9, rmse, rows);
    }

    private ALS configured() {
        return new ALS().setRank(RANK).setMaxIter(MAX_ITER).setRegParam(REG_PARAM).setColdStartStrategy(COLD_START)
                .setSeed(seed).setUserCol("user").setItemCol("item").setRatingCol("rating");
    }

    private static Dataset<Row> cached(SparkSession spark, RatingsData data) {
        List<Row> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            rows.add(RowFactory.create(data.user(i), data.item(i), data.rating(i)));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rdd = jsc.parallelize(rows, jsc.defaultParallelism());
        Dataset<Row> frame = spark.createDataFrame(rdd, SCHEMA).localCheckpoint(true);
        long count = frame.count();
        if (count != data.size()) {
            throw new IllegalStateException("checkpointed DataFrame holds " + count + " rows (expected: " + data.size() + ")");
        }
        return frame;
    }
}
