package org.petuum.ml.clustering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ml.TestSpark;

/** On USPS digits (7,291 × 256), KMeans reaches MLlib KMeans's cost, both measured the same way. */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class KMeansRealDataTest {

    @Test
    void uspsCostIsWithinThreePercentOfMllib() {
        Path file = TestSpark.data("usps/zip_train.libsvm.gz");
        SparkSession spark = TestSpark.cluster();
        Dataset<Row> data = spark.read().format("libsvm").option("numFeatures", "256")
                .load(file.toAbsolutePath().toString()).repartition(2).cache();
        assertEquals(7291, data.count());

        KMeansModel ours = new KMeans().setK(10).setSeed(42).fit(data);
        org.apache.spark.ml.clustering.KMeansModel mllib = new org.apache.spark.ml.clustering.KMeans().setK(10)
                .setSeed(42).fit(data);
        double ourCost = cost(data, ours.clusterCenters());
        double mllibCost = cost(data, mllib.clusterCenters());
        assertTrue(ourCost <= 1.03 * mllibCost, "cost " + ourCost + " vs MLlib's " + mllibCost);
        // The summary's cost is that of the last assignment, which the final means can only lower.
        assertTrue(ours.summary().trainingCost() >= ourCost * (1 - 1e-9),
                ours.summary() + " vs cost of the centres " + ourCost);
        assertEquals(7291, java.util.Arrays.stream(ours.summary().clusterSizes()).sum());
        data.unpersist();
    }

    /** The sum of squared distances to the nearest centre, computed by MLlib for both models alike. */
    static double cost(Dataset<Row> data, Vector[] centres) {
        org.apache.spark.mllib.linalg.Vector[] old = new org.apache.spark.mllib.linalg.Vector[centres.length];
        for (int c = 0; c < centres.length; c++) {
            old[c] = Vectors.fromML(centres[c]);
        }
        JavaRDD<org.apache.spark.mllib.linalg.Vector> points = data.select("features").toJavaRDD()
                .map(r -> Vectors.fromML((Vector) r.get(0)));
        return new org.apache.spark.mllib.clustering.KMeansModel(old).computeCost(points.rdd());
    }
}
