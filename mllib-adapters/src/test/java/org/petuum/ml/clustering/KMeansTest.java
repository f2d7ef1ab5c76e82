package org.petuum.ml.clustering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ml.TestSpark;
import org.petuum.ps.PsContext;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KMeansTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.cluster();
    }

    @Test
    void recoversWellSeparatedBlobsFromKMeansParallel() {
        Dataset<Row> data = Blobs.generate(spark, 150, 0.5, false, 1, 3);
        KMeansModel model = new KMeans().setK(4).setSeed(7).fit(data);
        assertEquals(4, model.clusterCenters().length);
        assertTrue(Blobs.worstMiss(model.clusterCenters()) < 0.2,
                "centres " + Arrays.toString(model.clusterCenters()));
        KMeansSummary s = model.summary();
        assertTrue(s.converged(), s.toString());
        assertEquals(600, Arrays.stream(s.clusterSizes()).sum());
        Arrays.stream(s.clusterSizes()).forEach(n -> assertEquals(150, n, s.toString()));
        // Each point's spread is 0.5 in 5 coordinates: the cost is near 600 * 5 * 0.25.
        assertEquals(750, s.trainingCost(), 100);
        assertTablesDropped();
    }

    @Test
    void everyBlobIsOneClusterAndTransformAgreesWithPredict() {
        Dataset<Row> data = Blobs.generate(spark, 100, 0.5, false, 2, 2);
        KMeansModel model = new KMeans().setK(4).setSeed(3).setPredictionCol("cluster").fit(data);
        List<Row> rows = model.transform(data).select("label", "features", "cluster").collectAsList();
        int[] clusterOfLabel = {-1, -1, -1, -1};
        for (Row r : rows) {
            int label = r.getInt(0);
            int cluster = r.getInt(2);
            assertEquals(model.predict((Vector) r.get(1)), cluster);
            if (clusterOfLabel[label] < 0) {
                clusterOfLabel[label] = cluster;
            }
            assertEquals(clusterOfLabel[label], cluster, "blob " + label + " split across clusters");
        }
        assertEquals(4, Arrays.stream(clusterOfLabel).distinct().count());
    }

    @Test
    void sparseVectorsUnderStalenessAndRandomInitialisation() {
        Dataset<Row> data = Blobs.generate(spark, 150, 0.5, true, 3, 2);
        KMeansModel model = new KMeans().setK(4).setSeed(11).setStaleness(2).setInitMode(KMeans.RANDOM)
                .setMaxIter(50).fit(data);
        // Random starts may put two centres in one blob; the blobs are far apart, so a good start is easy to
        // check for: each blob then holds one centre.
        double miss = Blobs.worstMiss(model.clusterCenters());
        if (miss < 1) {
            assertTrue(miss < 0.2, "centres " + Arrays.toString(model.clusterCenters()));
        }
        assertEquals(600, Arrays.stream(model.summary().clusterSizes()).sum());
        KMeansModel parallel = new KMeans().setK(4).setSeed(11).setStaleness(2).setMaxIter(50).fit(data);
        assertTrue(Blobs.worstMiss(parallel.clusterCenters()) < 0.2,
                "centres " + Arrays.toString(parallel.clusterCenters()));
        assertTrue(parallel.summary().converged(), parallel.summary().toString());
    }

    @Test
    void stopsAfterMaxIterWithoutConverging() {
        Dataset<Row> data = Blobs.generate(spark, 100, 3, false, 4, 2);
        KMeansModel model = new KMeans().setK(3).setSeed(5).setMaxIter(2).setTol(0).fit(data);
        assertEquals(2, model.summary().numIter());
        assertFalse(model.summary().converged());
    }

    private static void assertTablesDropped() {
        assertTrue(PsContext.get(spark).tables().stream().noneMatch(t -> t.name().startsWith("kmeans-")),
                "tables left: " + PsContext.get(spark).tables());
    }
}
