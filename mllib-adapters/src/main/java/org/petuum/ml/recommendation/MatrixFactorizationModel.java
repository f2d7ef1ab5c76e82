package org.petuum.ml.recommendation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.internal.ModelIO;
import org.petuum.ml.internal.Schemas;

/**
 * Factors learned by {@link MatrixFactorization}, shaped as ALS's: {@link #userFactors()} and {@link #itemFactors()}
 * are {@code (id INT, features ARRAY<FLOAT>)}, and a prediction is the dot product of a user's and an item's
 * features. Each array holds {@code rank + 2} numbers: the {@code rank} factors, then the biases and the mean folded
 * in ({@code [std·U, std·b_u + mean, 1]} for users, {@code [V, 1, std·b_i]} for items).
 *
 * <p>A user or item without factors (not in the training data, or an id outside int) follows
 * {@code coldStartStrategy}: {@code nan} predicts NaN, {@code drop} drops the row; no factors are ever made up.
 * Saved as Spark ML saves its models: parameters as metadata, factors as Parquet.
 */
public final class MatrixFactorizationModel extends Model<MatrixFactorizationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final String USER_ID = "__mf_user_id";
    private static final String USER_FEATURES = "__mf_user_features";
    private static final String ITEM_ID = "__mf_item_id";
    private static final String ITEM_FEATURES = "__mf_item_features";

    /**
     * How training went, known only on the model a fit returned (not on a loaded one).
     *
     * @param trainRmsePerPass the training RMSE of each pass, as the steps were taken
     * @param passEndSeconds   when each pass ended, in seconds from the workers' start (on the slowest worker)
     * @param seconds          from the creation of the item table to the end of the run, reading the data included
     */
    public record Summary(double[] trainRmsePerPass, double[] passEndSeconds, double seconds) implements Serializable {
    }

    private final String uid;
    private final Param<String> userCol;
    private final Param<String> itemCol;
    private final Param<String> predictionCol;
    private final Param<String> coldStartStrategy;
    private final Dataset<Row> userFactors;
    private final Dataset<Row> itemFactors;
    private final Summary summary;

    MatrixFactorizationModel(String uid, Dataset<Row> userFactors, Dataset<Row> itemFactors, Summary summary) {
        this.uid = uid;
        this.userFactors = userFactors;
        this.itemFactors = itemFactors;
        this.summary = summary;
        userCol = MfParams.userCol(this);
        itemCol = MfParams.itemCol(this);
        predictionCol = MfParams.predictionCol(this);
        coldStartStrategy = MfParams.coldStartStrategy(this);
        setDefault(userCol, "user");
        setDefault(itemCol, "item");
        setDefault(predictionCol, "prediction");
        setDefault(coldStartStrategy, MfParams.NAN);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> userCol() { return userCol; }
    public Param<String> itemCol() { return itemCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> coldStartStrategy() { return coldStartStrategy; }

    public String getUserCol() { return $(userCol); }
    public String getItemCol() { return $(itemCol); }
    public String getPredictionCol() { return $(predictionCol); }
    public String getColdStartStrategy() { return $(coldStartStrategy); }

    public MatrixFactorizationModel setUserCol(String v) { set(userCol, v); return this; }
    public MatrixFactorizationModel setItemCol(String v) { set(itemCol, v); return this; }
    public MatrixFactorizationModel setPredictionCol(String v) { set(predictionCol, v); return this; }
    public MatrixFactorizationModel setColdStartStrategy(String v) { set(coldStartStrategy, v); return this; }

    /** {@code (id INT, features ARRAY<FLOAT>)}, one row per user seen in training. */
    public Dataset<Row> userFactors() {
        return userFactors;
    }

    /** {@code (id INT, features ARRAY<FLOAT>)}, one row per item seen in training. */
    public Dataset<Row> itemFactors() {
        return itemFactors;
    }

    /** The factors per user and item (the features arrays hold two more numbers, the folded biases). */
    public int rank() {
        return userFactors.select(expr("size(features)")).head().getInt(0) - 2;
    }

    public boolean hasSummary() {
        return summary != null;
    }

    /** @throws IllegalStateException on a loaded model, which has none */
    public Summary summary() {
        if (summary == null) {
            throw new IllegalStateException("no summary: this model was loaded, not fitted");
        }
        return summary;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireNumeric(schema, "userCol", getUserCol());
        Schemas.requireNumeric(schema, "itemCol", getItemCol());
        return Schemas.append(schema, "predictionCol", getPredictionCol(), DataTypes.FloatType);
    }

    /** Adds the predicted rating of each row's user and item, following {@code coldStartStrategy} for unknown ones. */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> users = userFactors.select(col("id").as(USER_ID), col("features").as(USER_FEATURES));
        Dataset<Row> items = itemFactors.select(col("id").as(ITEM_ID), col("features").as(ITEM_FEATURES));
        Dataset<Row> joined = dataset.toDF()
                .join(users, intId(dataset.col(getUserCol())).equalTo(users.col(USER_ID)), "left")
                .join(items, intId(dataset.col(getItemCol())).equalTo(items.col(ITEM_ID)), "left");
        Column dot = expr("aggregate(zip_with(" + USER_FEATURES + ", " + ITEM_FEATURES
                + ", (x, y) -> x * y), cast(0 as float), (acc, x) -> acc + x)");
        Column prediction = when(col(USER_FEATURES).isNull().or(col(ITEM_FEATURES).isNull()), lit(Float.NaN))
                .otherwise(dot).cast(DataTypes.FloatType);
        Dataset<Row> out = joined.withColumn(getPredictionCol(), prediction)
                .drop(USER_ID, USER_FEATURES, ITEM_ID, ITEM_FEATURES);
        return MfParams.DROP.equals(getColdStartStrategy())
                ? out.filter(functionsNotNaN(getPredictionCol())) : out;
    }

    private static Column functionsNotNaN(String column) {
        return not(isnan(col(column)));
    }

    /** The id as an int, or null when it is not an integral value in int range (so it matches no factors). */
    private static Column intId(Column id) {
        Column d = id.cast("double");
        return when(d.between(Integer.MIN_VALUE, Integer.MAX_VALUE).and(d.equalTo(floor(d))),
                d.cast("int"));
    }

    /** The top {@code numItems} items of every user: {@code (userCol INT, recommendations ARRAY<STRUCT<itemCol, rating>>)}. */
    public Dataset<Row> recommendForAllUsers(int numItems) {
        return TopK.recommend(userFactors.sparkSession(), userFactors, itemFactors, numItems, getUserCol(),
                getItemCol());
    }

    /** The top {@code numUsers} users of every item: {@code (itemCol INT, recommendations ARRAY<STRUCT<userCol, rating>>)}. */
    public Dataset<Row> recommendForAllItems(int numUsers) {
        return TopK.recommend(itemFactors.sparkSession(), itemFactors, userFactors, numUsers, getItemCol(),
                getUserCol());
    }

    /** As {@link #recommendForAllUsers} for the distinct users of {@code dataset}'s {@code userCol} that the model knows. */
    public Dataset<Row> recommendForUserSubset(Dataset<?> dataset, int numItems) {
        Schemas.requireNumeric(dataset.schema(), "userCol", getUserCol());
        Dataset<Row> wanted = dataset.select(intId(col(getUserCol())).as(USER_ID)).distinct();
        Dataset<Row> subset = userFactors.join(wanted, userFactors.col("id").equalTo(wanted.col(USER_ID)), "left_semi");
        return TopK.recommend(userFactors.sparkSession(), subset, itemFactors, numItems, getUserCol(), getItemCol());
    }

    @Override
    public MatrixFactorizationModel copy(ParamMap extra) {
        MatrixFactorizationModel copied = new MatrixFactorizationModel(uid, userFactors, itemFactors, summary);
        return (MatrixFactorizationModel) copyValues(copied, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                SparkSession spark = sparkSession();
                ModelIO.saveMetadata(MatrixFactorizationModel.this, path, spark);
                userFactors.write().parquet(ModelIO.dataPath(path, "userFactors"));
                itemFactors.write().parquet(ModelIO.dataPath(path, "itemFactors"));
            }
        };
    }

    public static MLReader<MatrixFactorizationModel> read() {
        return new MLReader<>() {
            @Override
            public MatrixFactorizationModel load(String path) {
                SparkSession spark = sparkSession();
                DefaultParamsReader.Metadata metadata = ModelIO.loadMetadata(path, spark, MatrixFactorizationModel.class);
                MatrixFactorizationModel model = new MatrixFactorizationModel(metadata.uid(),
                        spark.read().parquet(ModelIO.dataPath(path, "userFactors")),
                        spark.read().parquet(ModelIO.dataPath(path, "itemFactors")), null);
                ModelIO.setParams(model, metadata);
                return model;
            }
        };
    }

    public static MatrixFactorizationModel load(String path) {
        return read().load(path);
    }
}
