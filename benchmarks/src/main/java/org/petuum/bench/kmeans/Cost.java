package org.petuum.bench.kmeans;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The k-means cost of centres on a data set, computed by MLlib for every system alike. */
final class Cost {
    private Cost() {
    }

    /** The sum over the points of {@code data}'s {@code features} of the squared distance to the nearest centre. */
    static double of(Dataset<Row> data, Vector[] centres) {
        org.apache.spark.mllib.linalg.Vector[] old = new org.apache.spark.mllib.linalg.Vector[centres.length];
        for (int c = 0; c < centres.length; c++) {
            old[c] = Vectors.fromML(centres[c]);
        }
        JavaRDD<org.apache.spark.mllib.linalg.Vector> points = data.select("features").toJavaRDD()
                .map(r -> Vectors.fromML((Vector) r.get(0)));
        return new org.apache.spark.mllib.clustering.KMeansModel(old).computeCost(points.rdd());
    }
}
