package org.petuum.ml.recommendation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ml.TestSpark;

/**
 * The quality bar on real ratings: on Jester's 363,209 ratings (a 90/10 split), {@link MatrixFactorization} with its
 * default parameters, under either schedule, predicts the test ratings at least as well as MLlib's ALS with its own
 * defaults (rank 10, maxIter 10, regParam 0.1), in the same session on the same split.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MatrixFactorizationJesterTest {

    @Test
    void defaultsPredictJesterAtLeastAsWellAsAlsDefaults() throws Exception {
        SparkSession spark = TestSpark.cluster();
        Dataset<Row>[] split = Ratings.read(spark, TestSpark.data("jester5k/jester5k_ratings.tsv"))
                .randomSplit(new double[] {0.9, 0.1}, 42);
        Dataset<Row> train = split[0].cache();
        Dataset<Row> test = split[1].cache();
        RegressionEvaluator rmse = new RegressionEvaluator().setLabelCol("rating").setMetricName("rmse");
        double als = rmse.evaluate(new ALS().setColdStartStrategy("drop").setSeed(1).fit(train).transform(test));
        for (String schedule : new String[] {"ssp", "rotation"}) {
            double ours = rmse.evaluate(new MatrixFactorization().setSchedule(schedule).setColdStartStrategy("drop")
                    .fit(train).transform(test));
            assertTrue(ours <= als, schedule + ": test RMSE " + ours + " (expected: <= ALS's " + als + ")");
        }
    }
}
