package org.petuum.bench.lasso;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.regression.LabeledRow;

/**
 * Spark MLlib's {@link LinearRegression} as a Lasso: {@code elasticNetParam = 1}, {@code regParam = lambda},
 * {@code standardization = false}, {@code fitIntercept = false}, solver {@code l-bfgs} (OWL-QN), which minimises
 * {@code ||y - X beta||^2 / (2n) + lambda ||beta||_1}, the objective of {@code LassoMath}. (MLlib scales features
 * and label internally and maps the penalty and the coefficients back, so in the original units its objective is
 * exactly ours: its own objective history is ours divided by the label's variance, which {@link #run} checks.)
 *
 * <p>MLlib reports no per-iteration coefficients, so the time to a given accuracy is found by fitting with growing
 * {@code maxIter}. The DataFrame ({@code label DOUBLE, features VECTOR}) is built once and held in the block managers
 * with its lineage cut before any run. Used by one thread.
 */
final class MllibLasso {

    /** Convergence tolerance given to MLlib: small, so that {@code maxIter} decides how long it runs. */
    static final double TOL = 1e-12;

    private static final StructType SCHEMA = new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("features", SQLDataTypes.VectorType(), false);

    /**
     * One fit.
     *
     * @param maxIter         the limit given
     * @param iterations      the iterations MLlib ran ({@code summary.totalIterations})
     * @param seconds         wall time of {@code fit}
     * @param objective       {@code F} of its coefficients, computed by {@code LassoMath} from the data
     * @param gap             {@code (F - F*) / F*}
     * @param ownObjective    MLlib's last objective-history value times the label's variance: should equal
     *                        {@code objective}
     * @param support         non-zero coefficients
     * @param firstWithin     the first iteration whose objective (from MLlib's own history, rescaled) is within the
     *                        target gap, or -1
     */
    record Fit(int maxIter, int iterations, double seconds, double objective, double gap, double ownObjective,
               int support, int firstWithin) {

        /**
         * The fit's time pro-rated to {@link #firstWithin} iterations: what stopping MLlib exactly there might have
         * cost (its per-fit set-up charged in proportion too, so this favours MLlib). Infinite if never within.
         */
        double proRatedSeconds() {
            return firstWithin < 0 ? Double.POSITIVE_INFINITY : seconds * firstWithin / Math.max(iterations, 1);
        }
    }

    private final LassoProblem problem;
    private final Dataset<Row> frame;
    private final double labelVariance;

    MllibLasso(SparkSession spark, LassoProblem problem, int partitions) {
        this.problem = problem;
        List<Row> rows = new ArrayList<>(problem.rows().size());
        double sum = 0;
        for (LabeledRow r : problem.rows()) {
            rows.add(RowFactory.create(r.label(), Vectors.sparse(problem.features(), r.indices(), r.values())));
            sum += r.label();
        }
        // MLlib scales the label by its sample standard deviation (n - 1 in the denominator).
        double mean = sum / rows.size();
        double squares = 0;
        for (LabeledRow r : problem.rows()) {
            squares += (r.label() - mean) * (r.label() - mean);
        }
        this.labelVariance = rows.size() > 1 ? squares / (rows.size() - 1) : Double.NaN;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rdd = jsc.parallelize(rows, partitions);
        this.frame = spark.createDataFrame(rdd, SCHEMA).localCheckpoint(true);
        long count = frame.count();
        if (count != problem.rows().size()) {
            throw new IllegalStateException("checkpointed DataFrame holds " + count + " rows (expected: "
                    + problem.rows().size() + ")");
        }
    }

    /** The settings, for the benchmark's header. */
    String settings() {
        LinearRegression lr = configured(0);
        return "elasticNetParam " + lr.getElasticNetParam() + ", regParam = lambda, standardization "
                + lr.getStandardization() + ", fitIntercept " + lr.getFitIntercept() + ", solver " + lr.getSolver()
                + ", tol " + lr.getTol() + ", " + frame.rdd().getNumPartitions() + " input partitions";
    }

    /** Fits with {@code maxIter}; {@code target} is the relative gap whose first crossing is looked up. */
    Fit run(int maxIter, double target) {
        LinearRegression lr = configured(maxIter);
        long start = System.nanoTime();
        LinearRegressionModel model = lr.fit(frame);
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] beta = model.coefficients().toArray();
        double objective = org.petuum.ml.regression.LassoMath.objective(problem.block(), beta, problem.lambda());
        double[] history = model.summary().objectiveHistory();
        double own = history.length == 0 ? Double.NaN : history[history.length - 1] * labelVariance;
        // history[i] is the objective after i iterations, in MLlib's scaled units.
        int firstWithin = -1;
        for (int i = 0; i < history.length && firstWithin < 0; i++) {
            if (problem.gap(history[i] * labelVariance) <= target) {
                firstWithin = i;
            }
        }
        int support = 0;
        for (double b : beta) {
            support += b != 0 ? 1 : 0;
        }
        return new Fit(maxIter, model.summary().totalIterations(), seconds, objective, problem.gap(objective), own,
                support, firstWithin);
    }

    void release() {
        frame.unpersist(false);
    }

    private LinearRegression configured(int maxIter) {
        return new LinearRegression().setElasticNetParam(1.0).setRegParam(problem.lambda()).setStandardization(false)
                .setFitIntercept(false).setSolver("l-bfgs").setTol(TOL).setMaxIter(Math.max(maxIter, 0));
    }
}
