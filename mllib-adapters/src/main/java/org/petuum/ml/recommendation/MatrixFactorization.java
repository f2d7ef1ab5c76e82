package org.petuum.ml.recommendation;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.internal.Schemas;
import org.petuum.ml.internal.Workers;
import org.petuum.ps.PsContext;

/**
 * Matrix factorisation of explicit ratings by SGD on parameter-server tables, a drop-in for Spark ML's {@code ALS}
 * where the names mean the same ({@code userCol}, {@code itemCol}, {@code ratingCol}, {@code predictionCol},
 * {@code rank}, {@code maxIter} (passes), {@code regParam}, {@code seed}, {@code coldStartStrategy};
 * {@code numUserBlocks} and {@code numItemBlocks} are accepted and ignored).
 *
 * <p>The model is {@code r̂(u, i) = mean + std·(b_u + b_i + U_u·V_i)}: biases and factors are learned on ratings in
 * standard units, so the defaults hold on any rating scale. {@code fit} repartitions the ratings by user to the
 * workers, one partition each, and runs them in one barrier stage: a worker keeps its users' factors, and item
 * factors live in a table, under one of two schedules ({@code schedule}): {@code ssp}, where every worker updates
 * every item it rates under bounded staleness, and {@code rotation} (STRADS), where item blocks rotate among the
 * workers round by round so no two workers update an item at once. Only the factors come back to the driver.
 *
 * <p>Not thread-safe (as every Spark ML stage); {@code fit} blocks until training ends.
 */
public final class MatrixFactorization extends Estimator<MatrixFactorizationModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final double INIT_STD = 0.1;
    private static final int SSP_CLOCKS_PER_PASS = 4;

    private final String uid;
    private final Param<String> userCol;
    private final Param<String> itemCol;
    private final Param<String> ratingCol;
    private final Param<String> predictionCol;
    private final Param<String> coldStartStrategy;
    private final IntParam rank;
    private final IntParam maxIter;
    private final DoubleParam regParam;
    private final DoubleParam biasRegParam;
    private final DoubleParam stepSize;
    private final DoubleParam stepDecay;
    private final IntParam staleness;
    private final IntParam numWorkers;
    private final Param<String> schedule;
    private final IntParam numUserBlocks;
    private final IntParam numItemBlocks;
    private final LongParam seed;

    public MatrixFactorization() {
        this(Identifiable$.MODULE$.randomUID("mf"));
    }

    public MatrixFactorization(String uid) {
        this.uid = uid;
        userCol = MfParams.userCol(this);
        itemCol = MfParams.itemCol(this);
        ratingCol = MfParams.ratingCol(this);
        predictionCol = MfParams.predictionCol(this);
        coldStartStrategy = MfParams.coldStartStrategy(this);
        rank = MfParams.rank(this);
        maxIter = MfParams.maxIter(this);
        regParam = MfParams.regParam(this);
        biasRegParam = MfParams.biasRegParam(this);
        stepSize = MfParams.stepSize(this);
        stepDecay = MfParams.stepDecay(this);
        staleness = MfParams.staleness(this);
        numWorkers = MfParams.numWorkers(this);
        schedule = MfParams.schedule(this);
        numUserBlocks = MfParams.numUserBlocks(this);
        numItemBlocks = MfParams.numItemBlocks(this);
        seed = MfParams.seed(this);
        setDefault(userCol, "user");
        setDefault(itemCol, "item");
        setDefault(ratingCol, "rating");
        setDefault(predictionCol, "prediction");
        setDefault(coldStartStrategy, MfParams.NAN);
        setDefault(rank, 10);
        setDefault(maxIter, 20);
        setDefault(regParam, 0.04);
        setDefault(biasRegParam, 10.0);
        setDefault(stepSize, 0.05);
        setDefault(stepDecay, 0.9);
        setDefault(staleness, 2);
        setDefault(numWorkers, 0);
        setDefault(schedule, MfParams.SSP);
        setDefault(numUserBlocks, 10);
        setDefault(numItemBlocks, 10);
        setDefault(seed, (long) MatrixFactorization.class.getName().hashCode());
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> userCol() { return userCol; }
    public Param<String> itemCol() { return itemCol; }
    public Param<String> ratingCol() { return ratingCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> coldStartStrategy() { return coldStartStrategy; }
    public IntParam rank() { return rank; }
    public IntParam maxIter() { return maxIter; }
    public DoubleParam regParam() { return regParam; }
    public DoubleParam biasRegParam() { return biasRegParam; }
    public DoubleParam stepSize() { return stepSize; }
    public DoubleParam stepDecay() { return stepDecay; }
    public IntParam staleness() { return staleness; }
    public IntParam numWorkers() { return numWorkers; }
    public Param<String> schedule() { return schedule; }
    public IntParam numUserBlocks() { return numUserBlocks; }
    public IntParam numItemBlocks() { return numItemBlocks; }
    public LongParam seed() { return seed; }

    public String getUserCol() { return $(userCol); }
    public String getItemCol() { return $(itemCol); }
    public String getRatingCol() { return $(ratingCol); }
    public String getPredictionCol() { return $(predictionCol); }
    public String getColdStartStrategy() { return $(coldStartStrategy); }
    public int getRank() { return (Integer) $(rank); }
    public int getMaxIter() { return (Integer) $(maxIter); }
    public double getRegParam() { return (Double) $(regParam); }
    public double getBiasRegParam() { return (Double) $(biasRegParam); }
    public double getStepSize() { return (Double) $(stepSize); }
    public double getStepDecay() { return (Double) $(stepDecay); }
    public int getStaleness() { return (Integer) $(staleness); }
    public int getNumWorkers() { return (Integer) $(numWorkers); }
    public String getSchedule() { return $(schedule); }
    public int getNumUserBlocks() { return (Integer) $(numUserBlocks); }
    public int getNumItemBlocks() { return (Integer) $(numItemBlocks); }
    public long getSeed() { return (Long) $(seed); }

    public MatrixFactorization setUserCol(String v) { set(userCol, v); return this; }
    public MatrixFactorization setItemCol(String v) { set(itemCol, v); return this; }
    public MatrixFactorization setRatingCol(String v) { set(ratingCol, v); return this; }
    public MatrixFactorization setPredictionCol(String v) { set(predictionCol, v); return this; }
    public MatrixFactorization setColdStartStrategy(String v) { set(coldStartStrategy, v); return this; }
    public MatrixFactorization setRank(int v) { set(rank, v); return this; }
    public MatrixFactorization setMaxIter(int v) { set(maxIter, v); return this; }
    public MatrixFactorization setRegParam(double v) { set(regParam, v); return this; }
    public MatrixFactorization setBiasRegParam(double v) { set(biasRegParam, v); return this; }
    public MatrixFactorization setStepSize(double v) { set(stepSize, v); return this; }
    public MatrixFactorization setStepDecay(double v) { set(stepDecay, v); return this; }
    public MatrixFactorization setStaleness(int v) { set(staleness, v); return this; }
    public MatrixFactorization setNumWorkers(int v) { set(numWorkers, v); return this; }
    public MatrixFactorization setSchedule(String v) { set(schedule, v); return this; }
    public MatrixFactorization setNumUserBlocks(int v) { set(numUserBlocks, v); return this; }
    public MatrixFactorization setNumItemBlocks(int v) { set(numItemBlocks, v); return this; }
    public MatrixFactorization setSeed(long v) { set(seed, v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireNumeric(schema, "userCol", getUserCol());
        Schemas.requireNumeric(schema, "itemCol", getItemCol());
        Schemas.requireNumeric(schema, "ratingCol", getRatingCol());
        return Schemas.append(schema, "predictionCol", getPredictionCol(), DataTypes.FloatType);
    }

    /**
     * Learns factors from {@code dataset}.
     *
     * @throws IllegalArgumentException before any table exists, for a missing or non-numeric column, an empty
     *                                  dataset, a null, NaN or infinite rating, an id that is not an integral value in
     *                                  range, or more workers than task slots
     */
    @Override
    public MatrixFactorizationModel fit(Dataset<?> dataset) {
        MfTraining.Outcome outcome = train(dataset);
        MatrixFactorizationModel model = new MatrixFactorizationModel(uid, outcome.userFactors(),
                outcome.itemFactors(), new MatrixFactorizationModel.Summary(outcome.trainRmsePerPass(),
                outcome.passEndSeconds(), outcome.seconds()));
        copyValues(model, extractParamMap());
        return (MatrixFactorizationModel) model.setParent(this);
    }

    /** A fit with the workers' own account of it (for tests of the schedule). */
    MfTraining.Outcome train(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        PsContext ps = PsContext.get(dataset.sparkSession());
        int workers = Workers.resolve(ps, "numWorkers", getNumWorkers());
        Dataset<Row> ratings = dataset.select(col(getUserCol()), col(getItemCol()), col(getRatingCol()));
        RatingStats stats = RatingStats.of(ratings, getUserCol(), getItemCol(), getRatingCol());
        // Per-item counts (one number per item, not the ratings) let each bias take its regularisation in all.
        List<Row> counts = ratings.groupBy(col(getItemCol()).cast("int")).count().collectAsList();
        int[][] itemCounts = sortedCounts(counts);
        MfSettings settings = new MfSettings(Workers.tableName("mf-items", uid.replace('_', '-')),
                MfParams.ROTATION.equals(getSchedule()), getStaleness(), workers, SSP_CLOCKS_PER_PASS, getRank(),
                getMaxIter(), getStepSize(), getStepDecay(), getRegParam(), getBiasRegParam(), INIT_STD, stats.mean(),
                stats.std(), getSeed(), itemCounts[0], itemCounts[1]);
        Dataset<Row> typed = ratings.select(col(getUserCol()).cast("int"), col(getItemCol()).cast("int"),
                col(getRatingCol()).cast("double"));
        return MfTraining.fit(dataset.sparkSession(), ps, typed, stats, settings);
    }

    /** {@code [ids, counts]}, ascending by id. */
    private static int[][] sortedCounts(List<Row> counts) {
        long[] packed = new long[counts.size()];
        for (int k = 0; k < packed.length; k++) {
            packed[k] = ((long) counts.get(k).getInt(0) << 32) | counts.get(k).getLong(1);
        }
        Arrays.sort(packed);
        int[][] out = new int[2][packed.length];
        for (int k = 0; k < packed.length; k++) {
            out[0][k] = (int) (packed[k] >>> 32);
            out[1][k] = (int) packed[k];
        }
        return out;
    }

    @Override
    public MatrixFactorization copy(ParamMap extra) {
        return (MatrixFactorization) defaultCopy(extra);
    }

    public static MLReader<MatrixFactorization> read() {
        return new DefaultParamsReader<>();
    }

    public static MatrixFactorization load(String path) {
        return read().load(path);
    }
}
