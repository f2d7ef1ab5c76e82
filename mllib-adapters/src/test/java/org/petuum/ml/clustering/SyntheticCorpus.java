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
import org.apache.spark.sql.types.StructType;

/**
 * Documents drawn from known topics. Topic {@code t} gives word 0 (a "stop word" every topic uses, so frequent that
 * the rotation splits it) probability 0.2, its own ten words {@code 1 + 10t .. 10 + 10t} 0.7 between them
 * (decreasing), and the remaining 0.1 to every other word equally. Each document mixes two topics.
 */
final class SyntheticCorpus {
    final int k;
    final int vocab;
    final double[][] topics;
    final List<Vector> docs = new ArrayList<>();
    final double[] wordTokens;
    long tokens;

    SyntheticCorpus(int k, int docCount, int docLength, long seed) {
        this.k = k;
        this.vocab = 1 + 10 * k + 10;
        this.topics = new double[k][vocab];
        double harmonic = 0;
        for (int i = 1; i <= 10; i++) {
            harmonic += 1.0 / i;
        }
        for (int t = 0; t < k; t++) {
            topics[t][0] = 0.2;
            for (int i = 0; i < 10; i++) {
                topics[t][1 + 10 * t + i] = 0.7 / (i + 1) / harmonic;
            }
            int others = vocab - 11;
            for (int w = 1; w < vocab; w++) {
                if (w < 1 + 10 * t || w >= 11 + 10 * t) {
                    topics[t][w] = 0.1 / others;
                }
            }
        }
        wordTokens = new double[vocab];
        Random random = new Random(seed);
        for (int d = 0; d < docCount; d++) {
            int a = random.nextInt(k);
            int b = random.nextInt(k);
            double u = random.nextDouble();
            double[] counts = new double[vocab];
            for (int n = 0; n < docLength; n++) {
                int t = random.nextDouble() < u ? a : b;
                int w = draw(topics[t], random);
                counts[w]++;
                wordTokens[w]++;
                tokens++;
            }
            docs.add(Vectors.dense(counts).compressed());
        }
    }

    private static int draw(double[] p, Random random) {
        double u = random.nextDouble();
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u <= 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    Dataset<Row> frame(SparkSession spark) {
        List<Row> rows = new ArrayList<>();
        for (Vector v : docs) {
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, new StructType().add("features", SQLDataTypes.VectorType()));
    }

    /**
     * The largest L1 distance between a true topic and the learned topic matched to it, under the matching that
     * minimises the largest distance over all permutations (k is small), or infinity if k differs.
     */
    double worstMatchedDistance(double[][] learned) {
        if (learned.length != k) {
            return Double.POSITIVE_INFINITY;
        }
        double[][] dist = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                for (int w = 0; w < vocab; w++) {
                    dist[i][j] += Math.abs(topics[i][w] - learned[j][w]);
                }
            }
        }
        return best(dist, 0, new boolean[k]);
    }

    private static double best(double[][] dist, int i, boolean[] used) {
        if (i == dist.length) {
            return 0;
        }
        double result = Double.POSITIVE_INFINITY;
        for (int j = 0; j < dist.length; j++) {
            if (!used[j]) {
                used[j] = true;
                result = Math.min(result, Math.max(dist[i][j], best(dist, i + 1, used)));
                used[j] = false;
            }
        }
        return result;
    }
}
