package org.petuum.ml.classification;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.petuum.ml.internal.Workers;
import org.petuum.ps.PsContext;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * One fit of {@link LogisticRegression}, in the order that keeps bad input from ever creating a table: check the
 * parameters and the schema, resolve the workers, make one distributed pass that checks every row and learns the
 * classes and feature scales, and only then create the model and progress tables, run the workers, read the
 * coefficients back and drop the tables (also when the run fails).
 */
final class LrFit {
    private static final Logger LOG = LogManager.getLogger(LrFit.class);
    private final LogisticRegression lr;

    LrFit(LogisticRegression lr) {
        this.lr = lr;
    }

    LogisticRegressionModel run(Dataset<?> dataset) {
        if (lr.getElasticNetParam() > 0) {
            throw new IllegalArgumentException("elasticNetParam : " + lr.getElasticNetParam() + " (expected: 0; the L1 "
                    + "and elastic-net penalties are not built, regParam sets the L2 penalty)");
        }
        String featuresCol = lr.getFeaturesCol();
        String labelCol = lr.getLabelCol();
        lr.transformSchema(dataset.schema());
        PsContext ps = PsContext.get(dataset.sparkSession());
        int workers = Workers.resolve(ps, "numWorkers", lr.getNumWorkers());
        Dataset<Row> rows = dataset.select(col(featuresCol), col(labelCol));
        LrDataSummary summary = LrDataSummary.of(rows.toJavaRDD(), featuresCol, labelCol);
        if (summary.error != null) {
            throw new IllegalArgumentException(summary.error);
        }
        if (summary.count == 0) {
            throw new IllegalArgumentException("the dataset is empty (expected: at least one row with a label in '"
                    + labelCol + "' and features in '" + featuresCol + "')");
        }
        int numClasses = Math.max(2, summary.numClassesSeen());
        boolean multinomial = multinomial(lr.getFamily(), numClasses);
        int sets = multinomial ? numClasses : 1;
        long cells = (long) (summary.numFeatures + 1) * sets;
        if (cells > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the model would have " + cells + " coefficients (" + summary.numFeatures
                    + " features × " + sets + " classes); expected at most " + (Integer.MAX_VALUE - 16));
        }
        LrPlan plan = plan(summary, sets);
        LOG.info("logistic regression: {} rows, {} features, {} classes ({}), {} workers, {} table rows of {} cells, "
                        + "{} passes of {} clocks, {}", summary.count, summary.numFeatures, numClasses,
                multinomial ? "multinomial" : "binomial", workers, plan.rows, plan.rowCells, plan.maxPasses,
                plan.batchesPerPass, plan.optimizer.updateRule(plan.stepSize));
        Dataset<Row> parts = rows.rdd().getNumPartitions() == workers ? rows : rows.repartition(workers);
        List<String> created = new ArrayList<>();
        try {
            ps.createTable(TableSpec.dense(plan.modelTable, plan.rows, plan.rowCells).staleness(lr.getStaleness())
                    .updateRule(plan.optimizer.updateRule(plan.stepSize)));
            created.add(plan.modelTable);
            ps.createTable(TableSpec.dense(plan.progressTable, 1, plan.maxPasses).staleness(lr.getStaleness()));
            created.add(plan.progressTable);
            writeInitialIntercepts(ps, plan, summary);
            List<Integer> passes = ps.runWorkers(parts.toJavaRDD(), new LrWorker(plan));
            double[] w = new double[(int) plan.cells()];
            plan.fromRows(ps.readDense(plan.modelTable), w);
            int ran = passes.stream().mapToInt(Integer::intValue).max().orElse(plan.maxPasses);
            double[] sums = ps.readDense(plan.progressTable)[0];
            double[] history = new double[ran];
            for (int p = 0; p < ran; p++) {
                history[p] = sums[p] / summary.count;
            }
            return LogisticRegressionModel.fromScaled(lr.uid(), plan, w, numClasses, multinomial, history);
        } finally {
            for (String t : created) {
                ps.dropTable(t);
            }
        }
    }

    private LrPlan plan(LrDataSummary summary, int sets) {
        double[] std = summary.std();
        double[] scale = new double[summary.numFeatures];
        double[] penaltyWeight = new double[summary.numFeatures];
        for (int j = 0; j < scale.length; j++) {
            // Workers see x_j / max|x_j|: values in [-1, 1] with sparsity kept, so that one step of the per-cell
            // optimizers moves a margin by about the same for every feature. (Dividing by the standard deviation
            // instead blows a rare binary feature up to hundreds, and its first steps throw margins far off.)
            // Constant features are dropped (scale 0), as MLlib's standardisation does.
            scale[j] = std[j] > 0 ? 1.0 / summary.maxAbs[j] : 0.0;
            // The penalty is MLlib's: on w_j * std_j when standardising, else on w_j, where w_j = v_j * scale_j.
            double s = lr.getStandardization() ? scale[j] * std[j] : scale[j];
            penaltyWeight[j] = s * s;
        }
        int batchesPerPass = (int) Math.max(1, Math.round(1.0 / lr.getMiniBatchFraction()));
        String prefix = "petuum-lr";
        return new LrPlan(Workers.tableName(prefix, lr.uid()), Workers.tableName(prefix + "-progress", lr.uid()),
                summary.numFeatures, sets, lr.getFitIntercept(), scale, penaltyWeight, lr.getRegParam(),
                LrOptimizer.parse(lr.getOptimizer()), lr.getStepSize(), batchesPerPass, lr.getMaxIter(),
                lr.getTol(), lr.getSeed(), summary.count);
    }

    /** Whether {@code family} means multinomial for {@code numClasses}; names the parameter if they do not fit. */
    static boolean multinomial(String family, int numClasses) {
        return switch (family) {
            case "binomial" -> {
                if (numClasses > 2) {
                    throw new IllegalArgumentException("family : binomial needs labels 0 and 1, but the labels go up "
                            + "to " + (numClasses - 1) + " (expected: family multinomial or auto)");
                }
                yield false;
            }
            case "multinomial" -> true;
            default -> numClasses > 2;
        };
    }

    /**
     * Starts the intercepts at the log class priors (smoothed by half an example), as MLlib does: the first steps
     * then go to the coefficients rather than to learning the class balance.
     */
    private static void writeInitialIntercepts(PsContext ps, LrPlan plan, LrDataSummary summary) {
        if (!plan.fitIntercept) {
            return;
        }
        long[] counts = summary.classCounts;
        double[] intercepts = new double[plan.sets];
        if (plan.sets == 1) {
            double n1 = counts.length > 1 ? counts[1] : 0;
            intercepts[0] = Math.log((n1 + 0.5) / (summary.count - n1 + 0.5));
        } else {
            double mean = 0;
            for (int k = 0; k < plan.sets; k++) {
                intercepts[k] = Math.log((k < counts.length ? counts[k] : 0) + 0.5);
                mean += intercepts[k] / plan.sets;
            }
            for (int k = 0; k < plan.sets; k++) {
                intercepts[k] -= mean;
            }
        }
        int offset = plan.interceptOffset();
        int row = offset / plan.rowCells;
        double[] values = new double[plan.rowCells];
        System.arraycopy(intercepts, 0, values, offset - row * plan.rowCells, plan.sets);
        ps.write(plan.modelTable, new int[] {row}, new RowValues[] {DenseRow.wrap(values)});
    }
}
