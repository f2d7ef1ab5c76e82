package org.petuum.ml.recommendation;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ps.PsContext;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * One fit on the driver: creates the item table, runs the workers over the user's Dataset repartitioned by user
 * (one partition per worker; the rows never leave the executors), turns the learned rows into factor DataFrames and
 * drops the table, also when the run fails.
 */
final class MfTraining {
    private static final Logger LOG = LogManager.getLogger(MfTraining.class);

    /** Column layout of {@code userFactors} and {@code itemFactors}, as ALS's. */
    static final StructType FACTORS = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true);

    /**
     * What a fit learned: the factor DataFrames and, per pass, the training RMSE as the steps were taken and when
     * the pass ended (seconds from the workers' start, on the slowest worker).
     *
     * @param workerResults what each worker sent back (for tests of the schedule)
     */
    record Outcome(Dataset<Row> userFactors, Dataset<Row> itemFactors, double[] trainRmsePerPass,
                   double[] passEndSeconds, double seconds,
                   List<MfWorkerFunction.Result> workerResults) {
    }

    private MfTraining() {
    }

    /**
     * @param ratings   three columns: user, item, rating (validated by {@link RatingStats})
     * @param settings  everything but the table, mean and spread, which this method fills in
     */
    static Outcome fit(SparkSession spark, PsContext ps, Dataset<Row> ratings, RatingStats stats, MfSettings settings) {
        String table = settings.itemTable();
        long start = System.nanoTime();
        // Rotation moves each block from owner to owner once per round: the next owner must see every step of the
        // last, so the table is BSP. SSP lets workers run ahead by the staleness the caller chose.
        ps.createTable(TableSpec.dense(table, (int) stats.maxItem() + 1, settings.rank() + 1)
                .consistency(settings.rotation() ? Consistency.bsp() : Consistency.ssp(settings.staleness())));
        try {
            JavaRDD<Row> byUser = ratings.repartition(settings.workers(), col(ratings.columns()[0])).toJavaRDD();
            List<MfWorkerFunction.Result> results = ps.runWorkers(byUser, new MfWorkerFunction(settings));
            double seconds = (System.nanoTime() - start) / 1e9;
            RowValues[] rows = ps.read(table);
            return new Outcome(userFactors(spark, results, settings), itemFactors(spark, results, rows, settings),
                    trainRmse(results, settings.passes()), passEnds(results, settings.passes()), seconds, results);
        } finally {
            try {
                ps.dropTable(table);
            } catch (RuntimeException e) {
                LOG.warn("could not drop table {}", table, e);
            }
        }
    }

    /** The end of each pass on the slowest worker, in seconds from the workers' start. */
    private static double[] passEnds(List<MfWorkerFunction.Result> results, int passes) {
        double[] out = new double[passes];
        for (MfWorkerFunction.Result r : results) {
            for (int p = 0; p < passes; p++) {
                out[p] = Math.max(out[p], r.passEndSeconds()[p]);
            }
        }
        return out;
    }

    private static double[] trainRmse(List<MfWorkerFunction.Result> results, int passes) {
        double[] out = new double[passes];
        for (int p = 0; p < passes; p++) {
            double sse = 0;
            long n = 0;
            for (MfWorkerFunction.Result r : results) {
                sse += r.passSse()[p];
                n += r.passCount()[p];
            }
            out[p] = n == 0 ? Double.NaN : Math.sqrt(sse / n);
        }
        return out;
    }

    /**
     * Users as ALS shapes them, with the biases folded in so that the prediction is the dot product, as ALS's:
     * {@code [std·U, std·b_u + mean, 1]}, to meet {@code [V, 1, std·b_i]} of the item.
     */
    private static Dataset<Row> userFactors(SparkSession spark, List<MfWorkerFunction.Result> results, MfSettings s) {
        List<Row> out = new ArrayList<>();
        int rank = s.rank();
        for (MfWorkerFunction.Result r : results) {
            for (int k = 0; k < r.userIds().length; k++) {
                double[] row = r.userRows()[k];
                float[] f = new float[rank + 2];
                for (int j = 0; j < rank; j++) {
                    f[j] = (float) (s.std() * row[j]);
                }
                f[rank] = (float) (s.std() * row[rank] + s.mean());
                f[rank + 1] = 1f;
                out.add(RowFactory.create(r.userIds()[k], boxed(f)));
            }
        }
        return spark.createDataFrame(out, FACTORS);
    }

    private static Dataset<Row> itemFactors(SparkSession spark, List<MfWorkerFunction.Result> results,
                                            RowValues[] rows, MfSettings s) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (MfWorkerFunction.Result r : results) {
            for (int i : r.items()) {
                seen.add(i);
            }
        }
        int rank = s.rank();
        List<Row> out = new ArrayList<>(seen.size());
        for (int i : seen) {
            double[] row = SgdKernel.initialItemRow(s.seed(), i, rank, s.initStd());
            if (rows[i] != null) {
                double[] change = rows[i].toArray();
                for (int j = 0; j <= rank; j++) {
                    row[j] += change[j];
                }
            }
            float[] f = new float[rank + 2];
            for (int j = 0; j < rank; j++) {
                f[j] = (float) row[j];
            }
            f[rank] = 1f;
            f[rank + 1] = (float) (s.std() * row[rank]);
            out.add(RowFactory.create(i, boxed(f)));
        }
        return spark.createDataFrame(out, FACTORS);
    }

    private static Float[] boxed(float[] f) {
        Float[] out = new Float[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }
}
