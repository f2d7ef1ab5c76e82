package org.petuum.ml.regression;

import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.internal.Schemas;
import org.petuum.ml.internal.Workers;
import org.petuum.ps.PsContext;

/**
 * Lasso regression by STRADS-style scheduled coordinate descent:
 * {@code min ||y - X b - b0||^2 / (2n) + regParam ||b||_1}, the objective of MLlib's {@code LinearRegression} with
 * {@code elasticNetParam = 1} and {@code standardization = false}, and of scikit-learn's {@code Lasso}.
 *
 * <p>The rows stay in the partitions of the fitted {@code Dataset} (repartitioned to {@code numWorkers}); each worker
 * keeps its rows by column and their residual. Every round a scheduler on the driver chooses a block of coordinates
 * ({@code schedule}), the workers push their rows' inner products for the block in one pass, and the scheduler
 * solves the block exactly through its Gram matrix and sends back the changes; rounds travel over the parameter
 * server's connections, not as Spark jobs. A full pass every so often measures the duality gap.
 *
 * <pre>{@code
 * LassoModel model = new Lasso().setRegParam(0.1).fit(training);   // a "features" vector and a "label" column
 * model.transform(test).select("prediction");
 * }</pre>
 *
 * <p>{@code fit} blocks until the model is learned; it needs {@code numWorkers} task slots at once. Bad input (a
 * missing or mistyped column, a null, NaN or infinite value, an empty dataset, more workers than slots) fails
 * before any table is created; a failed fit leaves no table behind.
 */
public final class Lasso extends Estimator<LassoModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final List<String> SCHEDULES = List.of("dynamic", "rotation", "random");

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final DoubleParam regParam;
    private final BooleanParam fitIntercept;
    private final DoubleParam tol;
    private final IntParam maxIter;
    private final Param<String> schedule;
    private final DoubleParam correlationThreshold;
    private final IntParam blockSize;
    private final IntParam numWorkers;
    private final LongParam seed;

    public Lasso() {
        this(Identifiable$.MODULE$.randomUID("lasso"));
    }

    public Lasso(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "features column name (a vector)");
        labelCol = new Param<>(this, "labelCol", "label column name (numeric)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        regParam = new DoubleParam(this, "regParam", "the L1 weight lambda (> 0)", ParamValidators.gt(0));
        fitIntercept = new BooleanParam(this, "fitIntercept", "whether to fit an unpenalised intercept");
        tol = new DoubleParam(this, "tol", "stop when the duality gap is at most tol times the objective "
                + "(0 < tol < 1)", ParamValidators.inRange(0, 1, false, false));
        maxIter = new IntParam(this, "maxIter", "the most rounds (block rounds and full passes; >= 1)",
                ParamValidators.gtEq(1));
        schedule = new Param<>(this, "schedule", "how each round's block of coordinates is chosen: dynamic "
                + "(priority: the last change squared), rotation (consecutive blocks in turn) or random",
                ParamValidators.inArray(SCHEDULES));
        correlationThreshold = new DoubleParam(this, "correlationThreshold", "the dependency check: a block holding "
                + "two coordinates whose |correlation| is at least this is solved jointly by repeated sweeps, "
                + "otherwise by one sweep (0 < value <= 1)", ParamValidators.inRange(0, 1, false, true));
        blockSize = new IntParam(this, "blockSize", "coordinates per round (1 to " + LassoParams.MAX_CANDIDATES
                + "), or 0 to choose from the data: as many as keep a round's Gram entries near "
                + BlockSize.GRAM_WORK + " multiply-adds per worker", ParamValidators.inRange(0,
                LassoParams.MAX_CANDIDATES));
        numWorkers = new IntParam(this, "numWorkers", "workers, one task slot each; 0 for every task slot (>= 0)",
                ParamValidators.gtEq(0));
        seed = new LongParam(this, "seed", "random seed of the schedule");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(regParam, 1.0);
        setDefault(fitIntercept, true);
        setDefault(tol, 1e-6);
        setDefault(maxIter, 100_000);
        setDefault(schedule, "dynamic");
        setDefault(correlationThreshold, 0.1);
        setDefault(blockSize, 0);
        setDefault(numWorkers, 0);
        setDefault(seed, 42L);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public DoubleParam regParam() {
        return regParam;
    }

    public BooleanParam fitIntercept() {
        return fitIntercept;
    }

    public DoubleParam tol() {
        return tol;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public Param<String> schedule() {
        return schedule;
    }

    public DoubleParam correlationThreshold() {
        return correlationThreshold;
    }

    public IntParam blockSize() {
        return blockSize;
    }

    public IntParam numWorkers() {
        return numWorkers;
    }

    public LongParam seed() {
        return seed;
    }

    public String getFeaturesCol() {
        return (String) getOrDefault(featuresCol);
    }

    public String getLabelCol() {
        return (String) getOrDefault(labelCol);
    }

    public String getPredictionCol() {
        return (String) getOrDefault(predictionCol);
    }

    public double getRegParam() {
        return (Double) getOrDefault(regParam);
    }

    public boolean getFitIntercept() {
        return (Boolean) getOrDefault(fitIntercept);
    }

    public double getTol() {
        return (Double) getOrDefault(tol);
    }

    public int getMaxIter() {
        return (Integer) getOrDefault(maxIter);
    }

    public String getSchedule() {
        return (String) getOrDefault(schedule);
    }

    public double getCorrelationThreshold() {
        return (Double) getOrDefault(correlationThreshold);
    }

    public int getBlockSize() {
        return (Integer) getOrDefault(blockSize);
    }

    public int getNumWorkers() {
        return (Integer) getOrDefault(numWorkers);
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    public Lasso setFeaturesCol(String v) {
        return checked(featuresCol, v, "a column name");
    }

    public Lasso setLabelCol(String v) {
        return checked(labelCol, v, "a column name");
    }

    public Lasso setPredictionCol(String v) {
        return checked(predictionCol, v, "a column name");
    }

    public Lasso setRegParam(double v) {
        return checked(regParam, v, "> 0");
    }

    public Lasso setFitIntercept(boolean v) {
        return checked(fitIntercept, v, "true or false");
    }

    public Lasso setTol(double v) {
        return checked(tol, v, "0 < tol < 1");
    }

    public Lasso setMaxIter(int v) {
        return checked(maxIter, v, ">= 1");
    }

    public Lasso setSchedule(String v) {
        return checked(schedule, v == null ? null : v.toLowerCase(Locale.ROOT), "one of " + SCHEDULES);
    }

    public Lasso setCorrelationThreshold(double v) {
        return checked(correlationThreshold, v, "0 < value <= 1");
    }

    public Lasso setBlockSize(int v) {
        return checked(blockSize, v, "0 <= value <= " + LassoParams.MAX_CANDIDATES + " (0: chosen from the data)");
    }

    public Lasso setNumWorkers(int v) {
        return checked(numWorkers, v, ">= 0 (0: every task slot)");
    }

    public Lasso setSeed(long v) {
        return checked(seed, v, "any long");
    }

    /** Sets {@code param}, or fails naming it and the allowed range. */
    private <T> Lasso checked(Param<T> param, T value, String expected) {
        if (value == null || !(Boolean) param.isValid().apply(value)) {
            throw new IllegalArgumentException(param.name() + " : " + value + " (expected: " + expected + ")");
        }
        set(param, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireVector(schema, "featuresCol", getFeaturesCol());
        Schemas.requireNumeric(schema, "labelCol", getLabelCol());
        return Schemas.append(schema, "predictionCol", getPredictionCol(), DataTypes.DoubleType);
    }

    /**
     * Learns the model. Blocks until done.
     *
     * @throws IllegalArgumentException for bad input (see the class comment), before any table is created
     */
    @Override
    public LassoModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        PsContext ps = PsContext.get(dataset.sparkSession());
        int workers = Workers.resolve(ps, "numWorkers", getNumWorkers());
        LassoInput.Facts facts = LassoInput.check(dataset, getFeaturesCol(), getLabelCol());
        JavaRDD<LabeledRow> rows = LassoInput.rows(dataset, getFeaturesCol(), getLabelCol());
        if (rows.getNumPartitions() != workers) {
            rows = rows.repartition(workers);
        }
        int block = getBlockSize() > 0 ? getBlockSize() : BlockSize.choose(facts, workers);
        LassoResult result = ScheduledLasso.fit(ps, rows, facts.features(), engineParams().withCandidates(block),
                Workers.tableName("lasso", uid));
        LassoModel model = new LassoModel(uid, LassoModel.sparse(result.beta()), result.intercept(),
                LassoSummary.of(result), result.trace());
        copyValues(model, ParamMap.empty());
        model.setParent(this);
        return model;
    }

    /**
     * The smallest {@code regParam} at which every coefficient is zero, for the data and this estimator's
     * columns and {@code fitIntercept}: a scale for choosing {@code regParam} (e.g. {@code 0.1 * lambdaMax}). One
     * Spark job over the data, which stays where it is.
     *
     * @throws IllegalArgumentException for bad input, as {@link #fit}
     */
    public double lambdaMax(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        LassoInput.Facts facts = LassoInput.check(dataset, getFeaturesCol(), getLabelCol());
        return LassoInput.lambdaMax(dataset, getFeaturesCol(), getLabelCol(), facts.features(), getFitIntercept());
    }

    /** The engine's settings from these parameters ({@code blockSize} 0 stands in as the engine's default). */
    LassoParams engineParams() {
        LassoParams.Schedule s = LassoParams.Schedule.valueOf(getSchedule().toUpperCase(Locale.ROOT));
        int block = getBlockSize() > 0 ? getBlockSize() : LassoParams.DEFAULT_CANDIDATES;
        return new LassoParams(getRegParam(), getFitIntercept(), s, block, getCorrelationThreshold(),
                LassoParams.DEFAULT_ETA_RELATIVE, getTol(), 0, getMaxIter(), getSeed());
    }

    @Override
    public Lasso copy(ParamMap extra) {
        return (Lasso) defaultCopy(extra);
    }

    public static MLReader<Lasso> read() {
        return new DefaultParamsReader<>();
    }

    public static Lasso load(String path) {
        return read().load(path);
    }
}
