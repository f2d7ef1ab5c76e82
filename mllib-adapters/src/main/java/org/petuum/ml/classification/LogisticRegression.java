package org.petuum.ml.classification;

import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.internal.Schemas;

/**
 * Logistic regression (binomial or multinomial) trained by mini-batch stochastic gradient steps on the parameter
 * server's SSP tables, as a Spark ML {@code Estimator}. Parameters and output columns follow MLlib's
 * {@code LogisticRegression} where they mean the same, so MLlib's evaluators, {@code Pipeline} and
 * {@code CrossValidator} work unchanged; it minimises the same objective as MLlib with {@code elasticNetParam = 0}:
 * the mean log loss plus {@code regParam / 2 · ||w||²} (on standardised coefficients when {@code standardization}).
 *
 * <p>A fit makes one distributed pass to check the data and learn the feature scales, then repartitions the rows
 * to {@code numWorkers} partitions and runs every worker for many clocks inside one gang-scheduled stage; the rows
 * never leave their partitions and only the coefficients come back to the driver. Any failure, bad input
 * included, leaves no table behind; bad input fails before any table is created.
 * {@code maxIter} counts passes over the data; each pass has {@code 1 / miniBatchFraction} clocks.
 *
 * <pre>{@code
 * LogisticRegressionModel model = new LogisticRegression().setMaxIter(20).setRegParam(1e-4).fit(train);
 * model.transform(test).select("probability", "prediction").show();
 * }</pre>
 *
 * <p>Not built: elastic net / L1 ({@code elasticNetParam > 0} is refused when fitting), instance weights,
 * thresholds and coefficient bounds.
 */
public final class LogisticRegression extends Estimator<LogisticRegressionModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;
    private final Param<String> family;
    private final DoubleParam regParam;
    private final DoubleParam elasticNetParam;
    private final BooleanParam fitIntercept;
    private final BooleanParam standardization;
    private final IntParam maxIter;
    private final DoubleParam tol;
    private final IntParam staleness;
    private final IntParam numWorkers;
    private final Param<String> optimizer;
    private final DoubleParam stepSize;
    private final DoubleParam miniBatchFraction;
    private final LongParam seed;

    public LogisticRegression() {
        this(Identifiable$.MODULE$.randomUID("petuumLogReg"));
    }

    public LogisticRegression(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector, sparse or dense)");
        labelCol = new Param<>(this, "labelCol", "label column name: class indices 0, 1, ..., K-1 (any numeric type)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        probabilityCol = new Param<>(this, "probabilityCol", "column name for the predicted class probabilities");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "column name for the margins (raw predictions)");
        family = new Param<>(this, "family", "auto, binomial or multinomial: binomial needs at most 2 classes; auto "
                + "chooses binomial for 1 or 2 classes, else multinomial", ParamValidators.inArray(
                        List.of("auto", "binomial", "multinomial")));
        regParam = new DoubleParam(this, "regParam", "L2 regularisation strength (>= 0)", ParamValidators.gtEq(0));
        elasticNetParam = new DoubleParam(this, "elasticNetParam", "the L1 share of the penalty in [0, 1]; only 0 "
                + "(pure L2) is built", ParamValidators.inRange(0, 1));
        fitIntercept = new BooleanParam(this, "fitIntercept", "whether to fit an intercept term");
        standardization = new BooleanParam(this, "standardization", "whether the L2 penalty applies to the "
                + "standardised coefficients w_j * std_j (as MLlib's standardization) rather than to w_j; constant "
                + "features get coefficient 0 either way, and the coefficients are always on the original scale");
        maxIter = new IntParam(this, "maxIter", "the most passes over the data (>= 1)", ParamValidators.gtEq(1));
        tol = new DoubleParam(this, "tol", "stop when the objective of a pass changed by at most tol relative to the "
                + "pass before (>= 0; 0 runs maxIter passes)", ParamValidators.gtEq(0));
        staleness = new IntParam(this, "staleness", "SSP staleness bound of the model table in clocks (>= 0)",
                ParamValidators.gtEq(0));
        numWorkers = new IntParam(this, "numWorkers", "number of workers (partitions); 0 = every task slot",
                ParamValidators.gtEq(0));
        optimizer = new Param<>(this, "optimizer", "step rule: sgd (on the workers, stepSize / sqrt(1 + pass)), adagrad "
                + "or adam (on the shards)", ParamValidators.inArray(List.of(LrOptimizer.NAMES)));
        stepSize = new DoubleParam(this, "stepSize", "learning rate of the step rule (> 0)", ParamValidators.gt(0));
        miniBatchFraction = new DoubleParam(this, "miniBatchFraction", "share of each worker's rows in one mini-batch "
                + "(one clock) in (0, 1]", ParamValidators.inRange(0, 1, false, true));
        seed = new LongParam(this, "seed", "random seed of the batch order");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(family, "auto");
        setDefault(regParam, 0.0);
        setDefault(elasticNetParam, 0.0);
        setDefault(fitIntercept, true);
        setDefault(standardization, true);
        setDefault(maxIter, 20);
        setDefault(tol, 1e-4);
        setDefault(staleness, 2);
        setDefault(numWorkers, 0);
        setDefault(optimizer, "adam");
        setDefault(stepSize, 0.01);
        setDefault(miniBatchFraction, 0.1);
        setDefault(seed, (long) LogisticRegression.class.getName().hashCode());
    }

    @Override
    public String uid() {
        return uid;
    }

    public static MLReader<LogisticRegression> read() {
        return new DefaultParamsReader<>();
    }

    public static LogisticRegression load(String path) {
        return read().load(path);
    }

    @Override
    public LogisticRegressionModel fit(Dataset<?> dataset) {
        LogisticRegressionModel model = new LrFit(this).run(dataset);
        copyValues(model, ParamMap.empty());
        return (LogisticRegressionModel) model.setParent(this);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireNumeric(schema, "labelCol", getLabelCol());
        return LogisticRegressionModel.outputSchema(schema, getFeaturesCol(), getPredictionCol(), getProbabilityCol(),
                getRawPredictionCol());
    }

    @Override
    public LogisticRegression copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    // ---- parameters: the Param, its getter and its setter ----

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public LogisticRegression setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    public LogisticRegression setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public LogisticRegression setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public String getProbabilityCol() {
        return getOrDefault(probabilityCol);
    }

    public LogisticRegression setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public String getRawPredictionCol() {
        return getOrDefault(rawPredictionCol);
    }

    public LogisticRegression setRawPredictionCol(String value) {
        set(rawPredictionCol, value);
        return this;
    }

    public Param<String> family() {
        return family;
    }

    public String getFamily() {
        return getOrDefault(family);
    }

    public LogisticRegression setFamily(String value) {
        set(family, value);
        return this;
    }

    public DoubleParam regParam() {
        return regParam;
    }

    public double getRegParam() {
        return (Double) getOrDefault(regParam);
    }

    public LogisticRegression setRegParam(double value) {
        set(regParam, value);
        return this;
    }

    public DoubleParam elasticNetParam() {
        return elasticNetParam;
    }

    public double getElasticNetParam() {
        return (Double) getOrDefault(elasticNetParam);
    }

    public LogisticRegression setElasticNetParam(double value) {
        set(elasticNetParam, value);
        return this;
    }

    public BooleanParam fitIntercept() {
        return fitIntercept;
    }

    public boolean getFitIntercept() {
        return (Boolean) getOrDefault(fitIntercept);
    }

    public LogisticRegression setFitIntercept(boolean value) {
        set(fitIntercept, value);
        return this;
    }

    public BooleanParam standardization() {
        return standardization;
    }

    public boolean getStandardization() {
        return (Boolean) getOrDefault(standardization);
    }

    public LogisticRegression setStandardization(boolean value) {
        set(standardization, value);
        return this;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public int getMaxIter() {
        return (Integer) getOrDefault(maxIter);
    }

    public LogisticRegression setMaxIter(int value) {
        set(maxIter, value);
        return this;
    }

    public DoubleParam tol() {
        return tol;
    }

    public double getTol() {
        return (Double) getOrDefault(tol);
    }

    public LogisticRegression setTol(double value) {
        set(tol, value);
        return this;
    }

    public IntParam staleness() {
        return staleness;
    }

    public int getStaleness() {
        return (Integer) getOrDefault(staleness);
    }

    public LogisticRegression setStaleness(int value) {
        set(staleness, value);
        return this;
    }

    public IntParam numWorkers() {
        return numWorkers;
    }

    public int getNumWorkers() {
        return (Integer) getOrDefault(numWorkers);
    }

    public LogisticRegression setNumWorkers(int value) {
        set(numWorkers, value);
        return this;
    }

    public Param<String> optimizer() {
        return optimizer;
    }

    public String getOptimizer() {
        return getOrDefault(optimizer);
    }

    public LogisticRegression setOptimizer(String value) {
        set(optimizer, value);
        return this;
    }

    public DoubleParam stepSize() {
        return stepSize;
    }

    public double getStepSize() {
        return (Double) getOrDefault(stepSize);
    }

    public LogisticRegression setStepSize(double value) {
        set(stepSize, value);
        return this;
    }

    public DoubleParam miniBatchFraction() {
        return miniBatchFraction;
    }

    public double getMiniBatchFraction() {
        return (Double) getOrDefault(miniBatchFraction);
    }

    public LogisticRegression setMiniBatchFraction(double value) {
        set(miniBatchFraction, value);
        return this;
    }

    public LongParam seed() {
        return seed;
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    public LogisticRegression setSeed(long value) {
        set(seed, value);
        return this;
    }
}
