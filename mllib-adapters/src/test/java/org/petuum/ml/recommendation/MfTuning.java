package org.petuum.ml.recommendation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ml.TestSpark;

/**
 * How the defaults were chosen: a grid of settings on several data sets against ALS at three regParams, printed and
 * written to {@code target/mf-tuning.txt}. Not a test: skipped unless {@code -Dmf.tune=true}. Settings:
 * {@code -Dmf.sets=jester,sample,gen10,stars}, {@code -Dmf.schedules=ssp,rotation}, {@code -Dmf.als=false} (skip ALS),
 * {@code -Dmf.grid=stepSize:regParam:stepDecay:maxIter[:biasRegParam[:rank]],...}.
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class MfTuning {

    @Test
    void grid() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("mf.tune"));
        SparkSession spark = TestSpark.cluster();
        Map<String, Dataset<Row>[]> sets = new LinkedHashMap<>();
        String only = System.getProperty("mf.sets", "jester,sample,gen10");
        if (only.contains("jester")) {
            sets.put("jester", Ratings.read(spark, TestSpark.data("jester5k/jester5k_ratings.tsv"))
                    .randomSplit(new double[] {0.9, 0.1}, 42));
        }
        if (only.contains("sample")) {
            sets.put("sample", Ratings.read(spark, TestSpark.data("spark-mllib-samples/als/sample_movielens_ratings.txt"))
                    .randomSplit(new double[] {0.8, 0.2}, 42));
        }
        if (only.contains("gen10")) {
            sets.put("gen10", Ratings.generated(spark, 3000, 500, 5, 150_000, 0, 4, 2, false, 5)
                    .randomSplit(new double[] {0.9, 0.1}, 42));
        }
        if (only.contains("stars")) {
            sets.put("stars", Ratings.generated(spark, 943, 1682, 8, 100_000, 3.5, 0.6, 0.85, true, 9)
                    .randomSplit(new double[] {0.8, 0.2}, 42));
        }
        String[] grid = System.getProperty("mf.grid", "0.05:0.05:0.9:20").split(",");
        RegressionEvaluator eval = new RegressionEvaluator().setLabelCol("rating").setMetricName("rmse");
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Dataset<Row>[]> e : sets.entrySet()) {
            Dataset<Row> train = e.getValue()[0].cache();
            Dataset<Row> test = e.getValue()[1].cache();
            for (double reg : Boolean.parseBoolean(System.getProperty("mf.als", "true")) ? new double[] {0.05, 0.1, 0.2}
                    : new double[0]) {
                double als = eval.evaluate(new ALS().setRegParam(reg).setColdStartStrategy("drop").setSeed(1)
                        .fit(train).transform(test));
                lines.add(String.format(Locale.ROOT, "%s ALS reg %.2f : %.4f", e.getKey(), reg, als));
                System.out.println(lines.get(lines.size() - 1));
            }
            for (String g : grid) {
                String[] p = g.split(":");
                for (String schedule : System.getProperty("mf.schedules", "ssp").split(",")) {
                    MatrixFactorization mf = new MatrixFactorization().setStepSize(Double.parseDouble(p[0]))
                            .setRegParam(Double.parseDouble(p[1])).setStepDecay(Double.parseDouble(p[2]))
                            .setMaxIter(Integer.parseInt(p[3])).setSchedule(schedule).setColdStartStrategy("drop");
                    if (p.length > 4) {
                        mf.setBiasRegParam(Double.parseDouble(p[4]));
                    }
                    if (p.length > 5) {
                        mf.setRank(Integer.parseInt(p[5]));
                    }
                    MatrixFactorizationModel m = mf.fit(train);
                    double rmse = eval.evaluate(m.transform(test));
                    double[] tr = m.summary().trainRmsePerPass();
                    lines.add(String.format(Locale.ROOT, "%s MF %s %s : %.4f (train %.4f, %.1f s)", e.getKey(), schedule,
                            g, rmse, tr[tr.length - 1], m.summary().seconds()));
                    System.out.println(lines.get(lines.size() - 1));
                }
            }
        }
        java.nio.file.Files.write(Path.of("target/mf-tuning.txt"), lines);
    }
}
