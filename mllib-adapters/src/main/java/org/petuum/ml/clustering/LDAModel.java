package org.petuum.ml.clustering;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.internal.ModelIO;
import org.petuum.ml.internal.Schemas;
import org.petuum.ml.internal.lda.FoldIn;
import scala.Tuple2;

/**
 * Topics learned by {@link LDA}: the word–topic counts of the sampler's last state and the priors they were
 * learned with. Each topic's word distribution is the posterior mean {@code (n_wt + β) / (n_t + Vβ)}.
 *
 * <p>{@link #transform} adds each document's topic proportions by folding it in with the topics fixed (see
 * {@link FoldIn}: deterministic, so a saved and loaded model gives the same vectors). {@link #logLikelihood} and
 * {@link #logPerplexity} score documents the same way: {@code Σ log Σ_t θ_t φ_tw} with θ folded in from the same
 * document, not MLlib's variational bound; for held-out comparisons across models use {@link DocumentCompletion}.
 *
 * <p>Immutable once fitted; the learned matrix lives on the driver (vocabulary × topics doubles).
 */
public final class LDAModel extends Model<LDAModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> topicDistributionCol;
    private final IntParam k;
    private final DoubleParam docConcentration;
    private final DoubleParam topicConcentration;
    private final LongParam seed;
    private final double[][] wordTopic;
    private final double alpha;
    private final double beta;
    private final transient List<LDAPass> trace;
    private final long trainingTokens;

    LDAModel(String uid, double[][] wordTopic, double alpha, double beta, List<LDAPass> trace, long trainingTokens) {
        this.uid = uid;
        featuresCol = LDAParams.featuresCol(this);
        topicDistributionCol = LDAParams.topicDistributionCol(this);
        k = LDAParams.k(this);
        docConcentration = LDAParams.docConcentration(this);
        topicConcentration = LDAParams.topicConcentration(this);
        seed = LDAParams.seed(this);
        setDefault(featuresCol, "features");
        setDefault(topicDistributionCol, "topicDistribution");
        setDefault(k, wordTopic[0].length);
        setDefault(docConcentration, -1.0);
        setDefault(topicConcentration, -1.0);
        setDefault(seed, (long) LDA.class.getName().hashCode());
        this.wordTopic = wordTopic;
        this.alpha = alpha;
        this.beta = beta;
        this.trace = trace == null ? List.of() : List.copyOf(trace);
        this.trainingTokens = trainingTokens;
    }

    /** For Spark's reflection ({@code copy}, loading a pipeline): a model of no topics, unusable until loaded. */
    public LDAModel(String uid) {
        this(uid, new double[1][2], 1, 1, List.of(), 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> topicDistributionCol() {
        return topicDistributionCol;
    }

    public IntParam k() {
        return k;
    }

    public DoubleParam docConcentration() {
        return docConcentration;
    }

    public DoubleParam topicConcentration() {
        return topicConcentration;
    }

    public LongParam seed() {
        return seed;
    }

    public String getFeaturesCol() {
        return $(featuresCol);
    }

    public String getTopicDistributionCol() {
        return $(topicDistributionCol);
    }

    public int getK() {
        return wordTopic[0].length;
    }

    public LDAModel setFeaturesCol(String value) {
        return (LDAModel) set(featuresCol, value);
    }

    public LDAModel setTopicDistributionCol(String value) {
        return (LDAModel) set(topicDistributionCol, value);
    }

    public int vocabSize() {
        return wordTopic.length;
    }

    /** The document concentration alpha the topics were learned with (resolved if it was automatic). */
    public double alpha() {
        return alpha;
    }

    /** The topic concentration beta the topics were learned with (resolved if it was automatic). */
    public double beta() {
        return beta;
    }

    /** Tokens the fit sampled in each pass. */
    public long trainingTokens() {
        return trainingTokens;
    }

    /** One entry per pass of the fit (empty for a loaded model: the trace is not saved). */
    public List<LDAPass> trainingTrace() {
        return trace;
    }

    /**
     * The topics as a {@code vocabSize × k} matrix of weights {@code n_wt + β}, as MLlib's online LDA gives its
     * unnormalised topics: column {@code t} divided by its sum is topic {@code t}'s word distribution.
     */
    public Matrix topicsMatrix() {
        int v = vocabSize();
        int kk = getK();
        double[] values = new double[v * kk];
        for (int t = 0; t < kk; t++) {
            for (int w = 0; w < v; w++) {
                values[t * v + w] = wordTopic[w][t] + beta;
            }
        }
        return new DenseMatrix(v, kk, values);
    }

    /** The word–topic counts of the sampler's last state ({@code vocabSize × k}), a copy. */
    public double[][] wordTopicCounts() {
        double[][] out = new double[wordTopic.length][];
        for (int w = 0; w < out.length; w++) {
            out[w] = wordTopic[w].clone();
        }
        return out;
    }

    /** Each topic's word distribution, {@code k × vocabSize}, rows summing to one. */
    public double[][] topicWordDistributions() {
        int kk = getK();
        int v = vocabSize();
        double[][] out = new double[kk][v];
        for (int t = 0; t < kk; t++) {
            double sum = 0;
            for (int w = 0; w < v; w++) {
                sum += wordTopic[w][t] + beta;
            }
            for (int w = 0; w < v; w++) {
                out[t][w] = (wordTopic[w][t] + beta) / sum;
            }
        }
        return out;
    }

    /**
     * The {@code maxTerms} most probable words of each topic: {@code (topic INT, termIndices ARRAY<INT>,
     * termWeights ARRAY<DOUBLE>)}, as MLlib's {@code describeTopics}.
     */
    public Dataset<Row> describeTopics(int maxTerms) {
        if (maxTerms < 1) {
            throw new IllegalArgumentException("maxTerms : " + maxTerms + " (expected: >= 1)");
        }
        double[][] phi = topicWordDistributions();
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < phi.length; t++) {
            int[] top = topTerms(phi[t], maxTerms);
            double[] weights = new double[top.length];
            for (int i = 0; i < top.length; i++) {
                weights[i] = phi[t][top[i]];
            }
            rows.add(RowFactory.create(t, top, weights));
        }
        StructType schema = new StructType().add("topic", DataTypes.IntegerType, false)
                .add("termIndices", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add("termWeights", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        return SparkSession.active().createDataFrame(rows, schema);
    }

    public Dataset<Row> describeTopics() {
        return describeTopics(10);
    }

    /** The indices of the {@code n} largest entries of {@code p}, largest first (ties by lower index). */
    static int[] topTerms(double[] p, int n) {
        List<Integer> idx = new ArrayList<>(p.length);
        for (int i = 0; i < p.length; i++) {
            idx.add(i);
        }
        idx.sort((a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        return idx.subList(0, Math.min(n, p.length)).stream().mapToInt(Integer::intValue).toArray();
    }

    FoldIn foldIn() {
        return new FoldIn(topicWordDistributions(), alpha);
    }

    /**
     * {@code Σ_d Σ_w c_dw log Σ_t θ_dt φ_tw} over the documents of {@code dataset}, θ folded in from each
     * document (one Spark job).
     */
    public double logLikelihood(Dataset<?> dataset) {
        return score(dataset)._1();
    }

    /** {@code -logLikelihood / tokens}: the log of the perplexity per token (lower is better). */
    public double logPerplexity(Dataset<?> dataset) {
        Tuple2<Double, Double> s = score(dataset);
        return s._2() > 0 ? -s._1() / s._2() : Double.NaN;
    }

    private Tuple2<Double, Double> score(Dataset<?> dataset) {
        Schemas.requireVector(dataset.schema(), "featuresCol", getFeaturesCol());
        FoldIn fold = foldIn();
        int v = vocabSize();
        JavaRDD<Row> rows = dataset.select(getFeaturesCol()).toJavaRDD();
        return rows.map(r -> {
            if (r.isNullAt(0)) {
                return new Tuple2<>(0.0, 0.0);
            }
            SparseVector sv = checkSize((Vector) r.get(0), v).toSparse();
            double n = 0;
            for (double c : sv.values()) {
                n += c;
            }
            double[] theta = fold.theta(sv.indices(), sv.values());
            return new Tuple2<>(fold.logLikelihood(sv.indices(), sv.values(), theta), n);
        }).reduce((a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
    }

    private static Vector checkSize(Vector v, int vocabSize) {
        if (v.size() != vocabSize) {
            throw new IllegalArgumentException("featuresCol: a vector of size " + v.size() + " (expected: "
                    + vocabSize + ", the model's vocabulary)");
        }
        return v;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        FoldIn fold = foldIn();
        int v = vocabSize();
        UserDefinedFunction f = functions.udf((UDF1<Vector, Vector>) x -> {
            if (x == null) {
                return null;
            }
            SparseVector sv = checkSize(x, v).toSparse();
            return Vectors.dense(fold.theta(sv.indices(), sv.values()));
        }, SQLDataTypes.VectorType());
        return dataset.withColumn(getTopicDistributionCol(), f.apply(functions.col(getFeaturesCol())));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireVector(schema, "featuresCol", getFeaturesCol());
        return Schemas.append(schema, "topicDistributionCol", getTopicDistributionCol(), SQLDataTypes.VectorType());
    }

    @Override
    public LDAModel copy(ParamMap extra) {
        LDAModel copy = new LDAModel(uid, wordTopic, alpha, beta, trace, trainingTokens);
        return (LDAModel) copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<LDAModel> read() {
        return new Reader();
    }

    public static LDAModel load(String path) {
        return read().load(path);
    }

    /** Parameters as Spark ML metadata; the counts as Parquet {@code (word INT, counts ARRAY<DOUBLE>)}. */
    private static final class Writer extends MLWriter {
        private final LDAModel model;

        Writer(LDAModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            SparkSession spark = sparkSession();
            ModelIO.saveMetadata(model, path, spark);
            List<Row> rows = new ArrayList<>(model.vocabSize());
            for (int w = 0; w < model.vocabSize(); w++) {
                rows.add(RowFactory.create(w, model.wordTopic[w]));
            }
            StructType schema = new StructType().add("word", DataTypes.IntegerType, false)
                    .add("counts", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
            spark.createDataFrame(rows, schema).write().parquet(ModelIO.dataPath(path, "word-topic"));
            StructType priors = new StructType().add("alpha", DataTypes.DoubleType, false)
                    .add("beta", DataTypes.DoubleType, false).add("trainingTokens", DataTypes.LongType, false);
            spark.createDataFrame(Collections.singletonList(RowFactory.create(model.alpha, model.beta,
                    model.trainingTokens)), priors).write().parquet(ModelIO.dataPath(path, "priors"));
        }
    }

    private static final class Reader extends MLReader<LDAModel> {
        @Override
        public LDAModel load(String path) {
            SparkSession spark = sparkSession();
            var metadata = ModelIO.loadMetadata(path, spark, LDAModel.class);
            List<Row> rows = spark.read().parquet(ModelIO.dataPath(path, "word-topic")).collectAsList();
            double[][] wordTopic = new double[rows.size()][];
            for (Row r : rows) {
                List<Double> counts = r.getList(1);
                wordTopic[r.getInt(0)] = counts.stream().mapToDouble(Double::doubleValue).toArray();
            }
            Row priors = spark.read().parquet(ModelIO.dataPath(path, "priors")).first();
            LDAModel model = new LDAModel(metadata.uid(), wordTopic, priors.getDouble(0), priors.getDouble(1),
                    List.of(), priors.getLong(2));
            ModelIO.setParams(model, metadata);
            return model;
        }
    }
}
