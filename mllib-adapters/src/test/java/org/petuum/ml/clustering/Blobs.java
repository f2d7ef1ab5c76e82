package org.petuum.ml.clustering;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Well-separated Gaussian blobs around known centres, as a {@code (label INT, features VECTOR)} DataFrame. */
final class Blobs {
    static final double[][] CENTRES = {
        {0, 0, 0, 0, 0}, {10, 10, 0, 0, 0}, {0, 10, -10, 5, 0}, {-8, 0, 6, -6, 3}};

    private Blobs() {
    }

    /** {@code perBlob} points around each centre, spread {@code sigma} per coordinate; sparse vectors if asked. */
    static Dataset<Row> generate(SparkSession spark, int perBlob, double sigma, boolean sparse, long seed,
                                 int partitions) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < perBlob; i++) {
            for (int c = 0; c < CENTRES.length; c++) {
                double[] x = new double[CENTRES[c].length];
                for (int j = 0; j < x.length; j++) {
                    x[j] = CENTRES[c][j] + sigma * rnd.nextGaussian();
                }
                Vector v = Vectors.dense(x);
                rows.add(RowFactory.create(c, sparse ? v.toSparse() : v));
            }
        }
        StructType schema = new StructType().add("label", DataTypes.IntegerType, false)
                .add("features", SQLDataTypes.VectorType(), false);
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }

    /** The largest distance from a true centre to the nearest fitted one. */
    static double worstMiss(Vector[] fitted) {
        double worst = 0;
        for (double[] truth : CENTRES) {
            double best = Double.POSITIVE_INFINITY;
            for (Vector f : fitted) {
                best = Math.min(best, Math.sqrt(Vectors.sqdist(f, Vectors.dense(truth))));
            }
            worst = Math.max(worst, best);
        }
        return worst;
    }
}
