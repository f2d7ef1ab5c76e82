package org.petuum.ml.classification;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.internal.ModelIO;
import org.petuum.ml.internal.Schemas;

/**
 * A fitted {@link LogisticRegression}: coefficients on the original feature scale, and the output columns of
 * MLlib's {@code LogisticRegressionModel} ({@code rawPrediction}, {@code probability}, {@code prediction}; an
 * empty column name leaves that column out), so MLlib's {@code BinaryClassificationEvaluator} and
 * {@code MulticlassClassificationEvaluator} read them unchanged. Saves its parameters as Spark ML metadata and its
 * coefficients as Parquet ({@code data/coefficients}). Immutable apart from its column parameters.
 */
public final class LogisticRegressionModel extends Model<LogisticRegressionModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final String DATA = "coefficients";
    private final String uid;
    private final int numClasses;
    private final boolean multinomial;
    private final double[][] coefficients;
    private final double[] intercepts;
    private final double[] objectiveHistory;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    LogisticRegressionModel(String uid, int numClasses, boolean multinomial, double[][] coefficients,
                            double[] intercepts, double[] objectiveHistory) {
        this.uid = uid;
        this.numClasses = numClasses;
        this.multinomial = multinomial;
        this.coefficients = coefficients;
        this.intercepts = intercepts;
        this.objectiveHistory = objectiveHistory;
        featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name; empty for none");
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column name; empty for none");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "raw predictions (margins) column name; empty for none");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    /** The model of a fit's flat weights {@code w} on the scaled features (see {@link LrPlan} for the layout). */
    static LogisticRegressionModel fromScaled(String uid, LrPlan plan, double[] w, int numClasses, boolean multinomial,
                                              double[] objectiveHistory) {
        int sets = plan.sets;
        double[][] coef = new double[sets][plan.numFeatures];
        for (int j = 0; j < plan.numFeatures; j++) {
            for (int k = 0; k < sets; k++) {
                coef[k][j] = w[j * sets + k] * plan.scale[j];
            }
        }
        double[] b = new double[sets];
        if (plan.fitIntercept) {
            System.arraycopy(w, plan.interceptOffset(), b, 0, sets);
        }
        return new LogisticRegressionModel(uid, numClasses, multinomial, coef, b, objectiveHistory);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The number of classes: 2 for a binomial model. */
    public int numClasses() {
        return numClasses;
    }

    public int numFeatures() {
        return coefficients[0].length;
    }

    /** Whether the model has one coefficient set per class (else one set, for class 1 against class 0). */
    public boolean isMultinomial() {
        return multinomial;
    }

    /** The coefficients: {@code numClasses × numFeatures} (multinomial) or {@code 1 × numFeatures} (binomial). */
    public Matrix coefficientMatrix() {
        int rows = coefficients.length;
        int cols = numFeatures();
        double[] rowMajor = new double[rows * cols];
        for (int k = 0; k < rows; k++) {
            System.arraycopy(coefficients[k], 0, rowMajor, k * cols, cols);
        }
        return new DenseMatrix(rows, cols, rowMajor, true);
    }

    /** The intercepts, one per coefficient set (zeros without {@code fitIntercept}). */
    public Vector interceptVector() {
        return Vectors.dense(intercepts.clone());
    }

    /** The binomial coefficients. @throws IllegalStateException for a multinomial model (use coefficientMatrix) */
    public Vector coefficients() {
        requireBinomial("coefficients");
        return Vectors.dense(coefficients[0].clone());
    }

    /** The binomial intercept. @throws IllegalStateException for a multinomial model (use interceptVector) */
    public double intercept() {
        requireBinomial("intercept");
        return intercepts[0];
    }

    /**
     * The objective of each pass of the fit (mean log loss plus penalty, measured on each mini-batch with the weights
     * it was computed at); empty for a loaded model.
     */
    public double[] objectiveHistory() {
        return objectiveHistory.clone();
    }

    private void requireBinomial(String what) {
        if (multinomial) {
            throw new IllegalStateException(what + " is defined for binomial models only; this model is multinomial "
                    + "with " + numClasses + " classes: use coefficientMatrix and interceptVector");
        }
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        LrPredictor p = new LrPredictor(coefficients, intercepts, multinomial, getFeaturesCol());
        Column features = col(getFeaturesCol());
        Dataset<Row> out = dataset.toDF();
        if (!getRawPredictionCol().isEmpty()) {
            out = out.withColumn(getRawPredictionCol(),
                    udf((UDF1<Vector, Vector>) p::raw, SQLDataTypes.VectorType()).apply(features));
        }
        if (!getProbabilityCol().isEmpty()) {
            out = out.withColumn(getProbabilityCol(),
                    udf((UDF1<Vector, Vector>) p::probability, SQLDataTypes.VectorType()).apply(features));
        }
        if (!getPredictionCol().isEmpty()) {
            out = out.withColumn(getPredictionCol(),
                    udf((UDF1<Vector, Double>) p::predict, DataTypes.DoubleType).apply(features));
        }
        return out;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(schema, getFeaturesCol(), getPredictionCol(), getProbabilityCol(), getRawPredictionCol());
    }

    /** {@code schema} checked for the features column and extended with the non-empty output columns. */
    static StructType outputSchema(StructType schema, String featuresCol, String predictionCol, String probabilityCol,
                                   String rawPredictionCol) {
        Schemas.requireVector(schema, "featuresCol", featuresCol);
        StructType out = schema;
        if (!rawPredictionCol.isEmpty()) {
            out = Schemas.append(out, "rawPredictionCol", rawPredictionCol, SQLDataTypes.VectorType());
        }
        if (!probabilityCol.isEmpty()) {
            out = Schemas.append(out, "probabilityCol", probabilityCol, SQLDataTypes.VectorType());
        }
        if (!predictionCol.isEmpty()) {
            out = Schemas.append(out, "predictionCol", predictionCol, DataTypes.DoubleType);
        }
        return out;
    }

    @Override
    public LogisticRegressionModel copy(ParamMap extra) {
        LogisticRegressionModel m = new LogisticRegressionModel(uid, numClasses, multinomial, coefficients, intercepts,
                objectiveHistory);
        copyValues(m, extra);
        return (LogisticRegressionModel) m.setParent(parent());
    }

    // ---- persistence ----

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<LogisticRegressionModel> read() {
        return new Reader();
    }

    public static LogisticRegressionModel load(String path) {
        return read().load(path);
    }

    private static StructType dataSchema() {
        return new StructType()
                .add("numClasses", DataTypes.IntegerType, false)
                .add("numFeatures", DataTypes.IntegerType, false)
                .add("isMultinomial", DataTypes.BooleanType, false)
                .add("interceptVector", SQLDataTypes.VectorType(), false)
                .add("coefficientMatrix", SQLDataTypes.MatrixType(), false);
    }

    private static final class Writer extends MLWriter {
        private final LogisticRegressionModel model;

        Writer(LogisticRegressionModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            ModelIO.saveMetadata(model, path, sparkSession());
            Row row = RowFactory.create(model.numClasses, model.numFeatures(), model.multinomial,
                    model.interceptVector(), model.coefficientMatrix());
            sparkSession().createDataFrame(List.of(row), dataSchema()).repartition(1).write()
                    .parquet(ModelIO.dataPath(path, DATA));
        }
    }

    private static final class Reader extends MLReader<LogisticRegressionModel> {
        @Override
        public LogisticRegressionModel load(String path) {
            DefaultParamsReader.Metadata metadata = ModelIO.loadMetadata(path, sparkSession(),
                    LogisticRegressionModel.class);
            Row row = sparkSession().read().parquet(ModelIO.dataPath(path, DATA)).first();
            int numClasses = row.getInt(row.fieldIndex("numClasses"));
            boolean multinomial = row.getBoolean(row.fieldIndex("isMultinomial"));
            Vector b = (Vector) row.get(row.fieldIndex("interceptVector"));
            Matrix m = (Matrix) row.get(row.fieldIndex("coefficientMatrix"));
            double[][] coef = new double[m.numRows()][m.numCols()];
            for (int k = 0; k < m.numRows(); k++) {
                for (int j = 0; j < m.numCols(); j++) {
                    coef[k][j] = m.apply(k, j);
                }
            }
            LogisticRegressionModel model = new LogisticRegressionModel(metadata.uid(), numClasses, multinomial, coef,
                    b.toArray(), new double[0]);
            ModelIO.setParams(model, metadata);
            return model;
        }
    }

    // ---- column parameters ----

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public LogisticRegressionModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public LogisticRegressionModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public String getProbabilityCol() {
        return getOrDefault(probabilityCol);
    }

    public LogisticRegressionModel setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public String getRawPredictionCol() {
        return getOrDefault(rawPredictionCol);
    }

    public LogisticRegressionModel setRawPredictionCol(String value) {
        set(rawPredictionCol, value);
        return this;
    }
}
