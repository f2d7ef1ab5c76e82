package org.petuum.ml.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ml.TestSpark;

/**
 * {@link Lasso} as a Spark ML estimator on the two-executor cluster: it finds the reference solution (with and
 * without an intercept), works in a {@code Pipeline} and a {@code CrossValidator}, and saves and loads.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LassoTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.cluster();
    }

    @Test
    void withoutInterceptMatchesTheReferenceSolverOnDiabetes() throws IOException {
        TestData.Problem p = TestData.diabetes();
        ColumnBlock x = ColumnBlock.of(p.rows(), p.features());
        double lambda = 0.01 * LassoMath.lambdaMax(x);
        LocalLassoSolver.Solution ref = LocalLassoSolver.solve(x, lambda);

        LassoModel model = new Lasso().setRegParam(lambda).setFitIntercept(false).setTol(1e-10)
                .fit(Frames.of(spark, p, 3));

        assertMatches(ref.beta(), ref.objective(), model);
        assertEquals(0.0, model.intercept());
        assertEquals(LassoMath.objective(x, model.coefficients().toArray(), lambda), model.summary().objective(),
                1e-6 * ref.objective(), "the summary's objective is the model's");
    }

    @Test
    void withInterceptMatchesTheReferenceSolverOnCentredCpusmall() throws IOException {
        TestData.Problem p = TestData.cpusmall();
        Centred c = Centred.of(p);
        ColumnBlock x = ColumnBlock.of(c.rows(), p.features());
        double lambda = 0.01 * LassoMath.lambdaMax(x);
        LocalLassoSolver.Solution ref = LocalLassoSolver.solve(x, lambda);

        LassoModel model = new Lasso().setRegParam(lambda).setTol(1e-10).setSchedule("rotation")
                .fit(Frames.of(spark, p, 2));

        assertMatches(ref.beta(), ref.objective(), model);
        double intercept = c.labelMean();
        for (int j = 0; j < p.features(); j++) {
            intercept -= c.means()[j] * ref.beta()[j];
        }
        assertEquals(intercept, model.intercept(), 1e-4 * Math.abs(intercept) + 1e-8, "intercept");
        assertEquals(LassoMath.lambdaMax(x), model.summary().lambdaMax(), 1e-9 * model.summary().lambdaMax());
    }

    @Test
    void regParamAtLambdaMaxGivesZeroCoefficientsAndTheMeanAsIntercept() throws IOException {
        TestData.Problem p = TestData.diabetes();
        Centred c = Centred.of(p);
        double lambdaMax = LassoMath.lambdaMax(ColumnBlock.of(c.rows(), p.features()));

        LassoModel model = new Lasso().setRegParam(lambdaMax * (1 + 1e-9)).fit(Frames.of(spark, p, 2));

        assertEquals(0, model.coefficients().numNonzeros(), model.coefficients()::toString);
        assertEquals(c.labelMean(), model.intercept(), 1e-9 * c.labelMean());
        assertTrue(model.summary().converged());
        assertEquals(0, model.summary().updates(), "no coordinate needs updating at lambda_max");
    }

    @Test
    void pipelineFromRawColumnsThroughVectorAssemblerFitsAndPredicts() throws IOException {
        TestData.Problem p = TestData.diabetes();
        Dataset<Row> raw = Frames.columns(spark, p);
        String[] inputs = new String[p.features()];
        for (int j = 0; j < inputs.length; j++) {
            inputs[j] = "x" + j;
        }
        VectorAssembler assembler = new VectorAssembler().setInputCols(inputs).setOutputCol("features");
        Lasso lasso = new Lasso().setLabelCol("y").setRegParam(1.0).setTol(1e-9);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, lasso});

        PipelineModel fitted = pipeline.fit(raw);
        Dataset<Row> predicted = fitted.transform(raw);

        LassoModel model = (LassoModel) fitted.stages()[1];
        Row first = predicted.select("features", "prediction").first();
        assertEquals(model.predict((Vector) first.get(0)), first.getDouble(1), 1e-12);
        double rmse = new RegressionEvaluator().setLabelCol("y").evaluate(predicted);
        // Diabetes' targets have a standard deviation of 77; a linear model on its ten features explains about half.
        assertTrue(rmse < 60, "training RMSE " + rmse);
    }

    @Test
    void crossValidatorChoosesFromATwoByTwoGrid() throws IOException {
        Dataset<Row> data = Frames.of(spark, TestData.diabetes(), 2);
        Lasso lasso = new Lasso().setTol(1e-6);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(lasso.regParam(), new double[] {0.5, 500.0})
                .addGrid(lasso.fitIntercept())
                .build();
        CrossValidator cv = new CrossValidator().setEstimator(lasso).setEstimatorParamMaps(grid)
                .setEvaluator(new RegressionEvaluator()).setNumFolds(2).setSeed(7);

        CrossValidatorModel best = cv.fit(data);

        assertEquals(4, best.avgMetrics().length);
        LassoModel model = (LassoModel) best.bestModel();
        // A heavy penalty, or no intercept on targets averaging 152, costs far more than it saves.
        assertEquals(0.5, ((Lasso) model.parent()).getRegParam());
        assertTrue(((Lasso) model.parent()).getFitIntercept());
    }

    @Test
    void savedAndLoadedModelPredictsTheSame() throws IOException {
        Dataset<Row> data = Frames.of(spark, TestData.diabetes(), 2);
        LassoModel model = new Lasso().setRegParam(0.3).setPredictionCol("yhat").fit(data);
        String path = tmp.resolve("lasso-model").toString();

        model.write().overwrite().save(path);
        LassoModel loaded = LassoModel.load(path);

        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.coefficients(), loaded.coefficients());
        assertEquals(model.intercept(), loaded.intercept());
        assertEquals(model.summary(), loaded.summary());
        assertEquals("yhat", loaded.getPredictionCol());
        Dataset<Row> ordered = Frames.of(spark, TestData.diabetes(), 0);
        List<Row> a = model.transform(ordered).select("yhat").collectAsList();
        List<Row> b = loaded.transform(ordered).select("yhat").collectAsList();
        assertEquals(a, b);
    }

    @Test
    void savedAndLoadedEstimatorKeepsItsParameters() throws IOException {
        Lasso lasso = new Lasso().setRegParam(0.25).setSchedule("random").setBlockSize(16).setSeed(9);
        String path = tmp.resolve("lasso").toString();

        lasso.save(path);
        Lasso loaded = Lasso.load(path);

        assertEquals(lasso.uid(), loaded.uid());
        assertEquals(0.25, loaded.getRegParam());
        assertEquals("random", loaded.getSchedule());
        assertEquals(16, loaded.getBlockSize());
        assertEquals(9L, loaded.getSeed());
    }

    private static void assertMatches(double[] beta, double objective, LassoModel model) {
        double[] fit = model.coefficients().toArray();
        assertEquals(beta.length, fit.length);
        double scale = 0;
        for (double b : beta) {
            scale = Math.max(scale, Math.abs(b));
        }
        int support = 0;
        for (int j = 0; j < beta.length; j++) {
            assertEquals(beta[j] != 0, fit[j] != 0, "support differs at feature " + j + ": reference " + beta[j]
                    + ", fitted " + fit[j]);
            assertEquals(beta[j], fit[j], 1e-4 * scale, "coefficient " + j);
            support += beta[j] != 0 ? 1 : 0;
        }
        assertTrue(support >= 3, "the reference model is too sparse to tell much: " + support);
        assertEquals(objective, model.summary().objective(), 1e-4 * objective, "objective");
        assertTrue(model.summary().converged(), () -> "not converged: " + model.summary());
    }

    /** A problem with its columns and labels centred, as the Lasso with an intercept sees it. */
    record Centred(List<LabeledRow> rows, double[] means, double labelMean) {
        static Centred of(TestData.Problem p) {
            int d = p.features();
            double[] means = new double[d];
            double labelMean = 0;
            for (LabeledRow r : p.rows()) {
                labelMean += r.label();
                for (int k = 0; k < r.indices().length; k++) {
                    means[r.indices()[k]] += r.values()[k];
                }
            }
            int n = p.rows().size();
            labelMean /= n;
            for (int j = 0; j < d; j++) {
                means[j] /= n;
            }
            List<LabeledRow> rows = new ArrayList<>();
            for (LabeledRow r : p.rows()) {
                double[] dense = new double[d];
                for (int k = 0; k < r.indices().length; k++) {
                    dense[r.indices()[k]] = r.values()[k];
                }
                for (int j = 0; j < d; j++) {
                    dense[j] -= means[j];
                }
                rows.add(LabeledRow.dense(r.label() - labelMean, dense));
            }
            return new Centred(rows, means, labelMean);
        }
    }
}
