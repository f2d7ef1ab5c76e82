package org.petuum.ml.regression;

import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.internal.ModelIO;
import org.petuum.ml.internal.Schemas;

/**
 * A learned Lasso: sparse {@link #coefficients()} and an {@link #intercept()}; {@link #transform} adds
 * {@code intercept + coefficients . features} as the prediction column. Saves its parameters as Spark ML metadata
 * and its coefficients and summary as Parquet ({@code data/coefficients}). Immutable.
 */
public final class LassoModel extends Model<LassoModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final String DATA = "coefficients";
    private static final StructType DATA_SCHEMA = new StructType()
            .add("coefficients", SQLDataTypes.VectorType(), false)
            .add("intercept", DataTypes.DoubleType, false)
            .add("objective", DataTypes.DoubleType, false)
            .add("dualityGap", DataTypes.DoubleType, false)
            .add("lambdaMax", DataTypes.DoubleType, false)
            .add("rounds", DataTypes.IntegerType, false)
            .add("fullPasses", DataTypes.IntegerType, false)
            .add("updates", DataTypes.LongType, false)
            .add("converged", DataTypes.BooleanType, false);

    private final String uid;
    private final Vector coefficients;
    private final double intercept;
    private final LassoSummary summary;
    private final List<LassoResult.TracePoint> trace;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;

    LassoModel(String uid, Vector coefficients, double intercept, LassoSummary summary,
               List<LassoResult.TracePoint> trace) {
        this.uid = uid;
        this.trace = List.copyOf(trace);
        this.coefficients = coefficients;
        this.intercept = intercept;
        this.summary = summary;
        featuresCol = new Param<>(this, "featuresCol", "features column name (a vector)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
    }

    /** {@code beta} as a sparse vector of its non-zeros. */
    static Vector sparse(double[] beta) {
        return Vectors.dense(beta).toSparse();
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The coefficients, sparse: only the features in the model are stored. */
    public Vector coefficients() {
        return coefficients;
    }

    public double intercept() {
        return intercept;
    }

    public int numFeatures() {
        return coefficients.size();
    }

    /** How the fit ended (kept when the model is saved). */
    public LassoSummary summary() {
        return summary;
    }

    /**
     * The fit's progress round by round (updates, time and objective after each round; the duality gap at full
     * passes), for studying convergence. Empty for a loaded model: it is not saved.
     */
    public List<LassoResult.TracePoint> trace() {
        return trace;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public String getFeaturesCol() {
        return (String) getOrDefault(featuresCol);
    }

    public String getPredictionCol() {
        return (String) getOrDefault(predictionCol);
    }

    public LassoModel setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    public LassoModel setPredictionCol(String v) {
        set(predictionCol, v);
        return this;
    }

    /** {@code intercept + coefficients . features}. @throws IllegalArgumentException if the sizes differ */
    public double predict(Vector features) {
        return predict(coefficients, intercept, features);
    }

    private static double predict(Vector coefficients, double intercept, Vector features) {
        if (features.size() != coefficients.size()) {
            throw new IllegalArgumentException("features : a vector of size " + features.size() + " (expected: "
                    + coefficients.size() + ", the size the model was fitted on)");
        }
        return intercept + coefficients.dot(features);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireVector(schema, "featuresCol", getFeaturesCol());
        return Schemas.append(schema, "predictionCol", getPredictionCol(), DataTypes.DoubleType);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Vector w = coefficients;
        double b = intercept;
        UserDefinedFunction predict = functions.udf(
                (UDF1<Vector, Double>) v -> v == null ? null : predict(w, b, v), DataTypes.DoubleType);
        return dataset.withColumn(getPredictionCol(), predict.apply(dataset.col(getFeaturesCol())));
    }

    @Override
    public LassoModel copy(ParamMap extra) {
        LassoModel copy = new LassoModel(uid, coefficients, intercept, summary, trace);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<LassoModel> read() {
        return new Reader();
    }

    public static LassoModel load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final LassoModel model;

        Writer(LassoModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            ModelIO.saveMetadata(model, path, sparkSession());
            LassoSummary s = model.summary;
            Row row = RowFactory.create(model.coefficients, model.intercept, s.objective(), s.dualityGap(),
                    s.lambdaMax(), s.rounds(), s.fullPasses(), s.updates(), s.converged());
            sparkSession().createDataFrame(List.of(row), DATA_SCHEMA).repartition(1).write()
                    .parquet(ModelIO.dataPath(path, DATA));
        }
    }

    private static final class Reader extends MLReader<LassoModel> {
        @Override
        public LassoModel load(String path) {
            DefaultParamsReader.Metadata metadata = ModelIO.loadMetadata(path, sparkSession(), LassoModel.class);
            Row r = sparkSession().read().parquet(ModelIO.dataPath(path, DATA)).first();
            LassoSummary s = new LassoSummary(r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getInt(5),
                    r.getInt(6), r.getLong(7), r.getBoolean(8));
            LassoModel model = new LassoModel(metadata.uid(), (Vector) r.get(0), r.getDouble(1), s, List.of());
            ModelIO.setParams(model, metadata);
            return model;
        }
    }
}
