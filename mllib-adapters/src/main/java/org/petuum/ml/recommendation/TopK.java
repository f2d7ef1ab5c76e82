package org.petuum.ml.recommendation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The top {@code k} of one side's factors against every factor of the other side, by dot product, in ALS's output
 * layout: {@code (srcCol INT, recommendations ARRAY<STRUCT<dstCol INT, rating FLOAT>>)}, best first. The other side
 * (model data, not training data) is broadcast; the source side stays distributed.
 */
final class TopK {
    private TopK() {
    }

    static Dataset<Row> recommend(SparkSession spark, Dataset<Row> src, Dataset<Row> dst, int k, String srcCol,
                                  String dstCol) {
        if (k < 1) {
            throw new IllegalArgumentException("numItems/numUsers : " + k + " (expected: >= 1)");
        }
        List<Row> others = dst.collectAsList();
        int[] ids = new int[others.size()];
        float[][] features = new float[others.size()][];
        for (int n = 0; n < ids.length; n++) {
            ids[n] = others.get(n).getInt(0);
            features[n] = floats(others.get(n).getList(1));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<int[]> dstIds = jsc.broadcast(ids);
        Broadcast<float[][]> dstFeatures = jsc.broadcast(features);
        JavaRDD<Row> out = src.toJavaRDD().mapPartitions(rows -> top(rows, dstIds.value(), dstFeatures.value(), k));
        StructType schema = new StructType().add(srcCol, DataTypes.IntegerType, false)
                .add("recommendations", DataTypes.createArrayType(new StructType()
                        .add(dstCol, DataTypes.IntegerType, false).add("rating", DataTypes.FloatType, false)), false);
        return spark.createDataFrame(out, schema);
    }

    private static Iterator<Row> top(Iterator<Row> rows, int[] ids, float[][] features, int k) {
        List<Row> out = new ArrayList<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            float[] f = floats(r.getList(1));
            // A min-heap of the best k so far; ties go to the lower id, so the result does not depend on order.
            PriorityQueue<long[]> heap = new PriorityQueue<>(k + 1, (a, b) -> a[0] != b[0]
                    ? Float.compare(Float.intBitsToFloat((int) a[0]), Float.intBitsToFloat((int) b[0]))
                    : Long.compare(b[1], a[1]));
            for (int n = 0; n < ids.length; n++) {
                float score = dot(f, features[n]);
                heap.add(new long[] {Float.floatToIntBits(score), ids[n]});
                if (heap.size() > k) {
                    heap.poll();
                }
            }
            Row[] best = new Row[heap.size()];
            for (int j = best.length - 1; j >= 0; j--) {
                long[] e = heap.poll();
                best[j] = RowFactory.create((int) e[1], Float.intBitsToFloat((int) e[0]));
            }
            out.add(RowFactory.create(r.getInt(0), best));
        }
        return out.iterator();
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    static float[] floats(List<Object> list) {
        float[] out = new float[list.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = ((Number) list.get(j)).floatValue();
        }
        return out;
    }
}
