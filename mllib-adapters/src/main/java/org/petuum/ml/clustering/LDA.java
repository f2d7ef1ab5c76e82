package org.petuum.ml.clustering;

import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.internal.Schemas;
import org.petuum.ml.internal.Workers;
import org.petuum.ml.internal.lda.CorpusStats;
import org.petuum.ml.internal.lda.LdaSetup;
import org.petuum.ml.internal.lda.LdaTrainer;
import org.petuum.ml.internal.lda.PassHook;
import org.petuum.ml.internal.lda.WordBlocks;
import org.petuum.ps.PsContext;

/**
 * Latent Dirichlet allocation by collapsed Gibbs sampling on the parameter server, with STRADS' scheduled model
 * parallelism, shaped as MLlib's {@code org.apache.spark.ml.clustering.LDA}.
 *
 * <p>The documents stay in the partitions of the caller's {@code Dataset} (repartitioned to one per worker); each
 * worker keeps its documents' topic assignments and document–topic counts. The word–topic counts live in a
 * parameter-server table and the topic totals in one row under SSP. With {@code schedule = "rotation"} (the
 * default) the vocabulary is cut into one block per worker, balanced by token count, and in round {@code r} worker
 * {@code w} samples only its tokens of block {@code (w + r) mod W}: no two workers change a word row in the same
 * round, so those rows are exact, never stale; {@code W} rounds make a pass ({@code maxIter} passes in all). Rounds
 * travel over the parameter server's connections, with no Spark job per round. {@code schedule = "none"} is the
 * data-parallel alternative: every worker samples all its tokens each clock against word rows up to
 * {@code staleness} clocks old.
 *
 * <pre>{@code
 * Dataset<Row> docs = new CountVectorizer().setInputCol("words").setOutputCol("features").fit(tokens).transform(tokens);
 * LDAModel model = new LDA().setK(20).setMaxIter(100).fit(docs);
 * model.describeTopics(10).show();
 * }</pre>
 */
public final class LDA extends Estimator<LDAModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> topicDistributionCol;
    private final IntParam k;
    private final IntParam maxIter;
    private final DoubleParam docConcentration;
    private final DoubleParam topicConcentration;
    private final LongParam seed;
    private final IntParam numWorkers;
    private final IntParam staleness;
    private final Param<String> schedule;
    private transient PassHook hook;

    public LDA() {
        this(Identifiable.randomUID("petuum-lda"));
    }

    public LDA(String uid) {
        this.uid = uid;
        featuresCol = LDAParams.featuresCol(this);
        topicDistributionCol = LDAParams.topicDistributionCol(this);
        k = LDAParams.k(this);
        maxIter = new IntParam(this, "maxIter", "passes over the corpus (>= 1); each samples every token once",
                ParamValidators.gtEq(1));
        docConcentration = LDAParams.docConcentration(this);
        topicConcentration = LDAParams.topicConcentration(this);
        seed = LDAParams.seed(this);
        numWorkers = new IntParam(this, "numWorkers", "workers, one task slot each (>= 0; 0 = every slot)",
                ParamValidators.gtEq(0));
        staleness = new IntParam(this, "staleness", "SSP staleness of the topic totals, and of the word rows "
                + "when schedule = none (>= 0)", ParamValidators.gtEq(0));
        schedule = new Param<>(this, "schedule", "rotation (STRADS: word blocks rotate among the workers) or none "
                + "(data-parallel under SSP)", ParamValidators.inArray(new String[] {"rotation", "none"}));
        setDefault(featuresCol, "features");
        setDefault(topicDistributionCol, "topicDistribution");
        setDefault(k, 10);
        setDefault(maxIter, 50);
        setDefault(docConcentration, -1.0);
        setDefault(topicConcentration, -1.0);
        setDefault(seed, (long) LDA.class.getName().hashCode());
        setDefault(numWorkers, 0);
        setDefault(staleness, 1);
        setDefault(schedule, "rotation");
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

    public IntParam maxIter() {
        return maxIter;
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

    public IntParam numWorkers() {
        return numWorkers;
    }

    public IntParam staleness() {
        return staleness;
    }

    public Param<String> schedule() {
        return schedule;
    }

    public String getFeaturesCol() {
        return $(featuresCol);
    }

    public String getTopicDistributionCol() {
        return $(topicDistributionCol);
    }

    public int getK() {
        return (Integer) $(k);
    }

    public int getMaxIter() {
        return (Integer) $(maxIter);
    }

    public double getDocConcentration() {
        return (Double) $(docConcentration);
    }

    public double getTopicConcentration() {
        return (Double) $(topicConcentration);
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    public int getNumWorkers() {
        return (Integer) $(numWorkers);
    }

    public int getStaleness() {
        return (Integer) $(staleness);
    }

    public String getSchedule() {
        return $(schedule);
    }

    public LDA setFeaturesCol(String value) {
        return (LDA) set(featuresCol, value);
    }

    public LDA setTopicDistributionCol(String value) {
        return (LDA) set(topicDistributionCol, value);
    }

    public LDA setK(int value) {
        return (LDA) set(k, value);
    }

    public LDA setMaxIter(int value) {
        return (LDA) set(maxIter, value);
    }

    public LDA setDocConcentration(double value) {
        return (LDA) set(docConcentration, value);
    }

    public LDA setTopicConcentration(double value) {
        return (LDA) set(topicConcentration, value);
    }

    public LDA setSeed(long value) {
        return (LDA) set(seed, value);
    }

    public LDA setNumWorkers(int value) {
        return (LDA) set(numWorkers, value);
    }

    public LDA setStaleness(int value) {
        return (LDA) set(staleness, value);
    }

    public LDA setSchedule(String value) {
        return (LDA) set(schedule, value);
    }

    /**
     * Calls {@code listener} on the driver after every pass, while the workers wait (keep it short). Not a
     * parameter: it is neither saved nor copied.
     */
    public LDA onPass(Consumer<LDAPass> listener) {
        this.hook = listener == null ? null : (pass, probe) -> listener.accept(pass);
        return this;
    }

    /** For tests: a hook that may also inspect the tables' counts after each pass. */
    LDA passHook(PassHook hook) {
        this.hook = hook;
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireVector(schema, "featuresCol", getFeaturesCol());
        return Schemas.append(schema, "topicDistributionCol", getTopicDistributionCol(),
                SQLDataTypes.VectorType());
    }

    /**
     * Fits the topics. Checks the schema and every vector (one Spark job) before creating any table; the tables
     * are dropped when the fit ends, however it ends. Blocks until the fit is done.
     *
     * @throws IllegalArgumentException naming the column or parameter at fault
     */
    @Override
    public LDAModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        PsContext ps = PsContext.get(dataset.sparkSession());
        int workers = Workers.resolve(ps, "numWorkers", getNumWorkers());
        String column = getFeaturesCol();
        JavaRDD<Vector> corpus = dataset.select(column).toJavaRDD().map(row -> row.isNullAt(0) ? null : (Vector) row.get(0));
        if (corpus.getNumPartitions() != workers) {
            corpus = corpus.repartition(workers);
        }
        CorpusStats stats = CorpusStats.of(corpus, column);
        int topics = getK();
        double alpha = LDAParams.alpha(getDocConcentration(), topics);
        double beta = LDAParams.beta(getTopicConcentration());
        boolean rotation = getSchedule().equals("rotation");
        WordBlocks blocks = rotation ? WordBlocks.balanced(stats.wordTokens(), workers)
                : WordBlocks.single(stats.wordTokens());
        LdaSetup setup = new LdaSetup(Workers.tableName("lda", uid), topics, alpha, beta, getMaxIter(), getSeed(),
                workers, rotation, blocks);
        LdaTrainer.Result result = LdaTrainer.fit(ps, corpus, setup, getStaleness(), hook);
        LDAModel model = new LDAModel(uid, result.wordTopic(), alpha, beta, result.trace(), result.tokens());
        copyValues(model, ParamMap.empty());
        return (LDAModel) model.setParent(this);
    }

    @Override
    public LDA copy(ParamMap extra) {
        return (LDA) defaultCopy(extra);
    }

    public static MLReader<LDA> read() {
        return new DefaultParamsReader<>();
    }

    public static LDA load(String path) {
        return read().load(path);
    }
}
