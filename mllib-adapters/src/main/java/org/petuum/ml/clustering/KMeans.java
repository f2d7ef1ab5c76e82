package org.petuum.ml.clustering;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
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
import org.petuum.ml.clustering.internal.FitPlan;
import org.petuum.ml.clustering.internal.InputCheck;
import org.petuum.ml.clustering.internal.LloydWorker;
import org.petuum.ml.internal.Schemas;
import org.petuum.ml.internal.Workers;
import org.petuum.ps.PsContext;
import org.petuum.ssp.TableSpec;

/**
 * k-means clustering on the parameter server, with MLlib {@code KMeans}'s parameters and meaning: Lloyd's
 * algorithm from k-means|| (or random) initial centres, stopping after {@code maxIter} passes or once no centre
 * moves by more than {@code tol}.
 *
 * <p>A fit repartitions the data to {@code numWorkers} partitions (unless it has that many already) and runs one
 * worker per partition in one gang-scheduled Spark stage; the points never leave their partitions. Initialisation
 * and every pass happen inside that stage: the workers exchange k-means|| candidates, then per-centre sums and
 * counts, through tables (see {@link LloydWorker}), so a pass costs a clock, not a Spark job. Only the centres come
 * back to the driver. Before any table is created, one Spark job counts the points of each partition and checks
 * them (no null vector, no NaN or infinite element, one size).
 *
 * <p>Training makes full passes rather than mini-batches: a full pass per clock is Lloyd's algorithm exactly under
 * {@code staleness} 0 (the default), so the result is comparable with MLlib's and {@code tol} means the same, while
 * mini-batch k-means (Sculley, 2010) trades a higher final cost for cheaper steps. What makes MLlib's passes
 * expensive is a Spark job each, not the arithmetic; here a pass is one clock, so full passes stay cheap.
 * {@code staleness > 0} lets a worker run up to that many passes ahead of the slowest, on centres missing the
 * slowest workers' latest passes.
 *
 * <p>Results for one seed do not depend on timing when {@code staleness} is 0, but points drawn for the initial
 * centres are found by their position in a partition, which a repartition may order differently between fits.
 */
public final class KMeans extends Estimator<KMeansModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LogManager.getLogger(KMeans.class);
    public static final String K_MEANS_PARALLEL = "k-means||";
    public static final String RANDOM = "random";
    /** Room per k-means|| step, in candidates; a step samples {@code 2k} in expectation. */
    private static final int EXTRA_CANDIDATES = 32;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final IntParam k;
    private final IntParam maxIter;
    private final Param<String> initMode;
    private final IntParam initSteps;
    private final LongParam seed;
    private final DoubleParam tol;
    private final IntParam staleness;
    private final IntParam numWorkers;

    public KMeans() {
        this(Identifiable$.MODULE$.randomUID("pkmeans"));
    }

    public KMeans(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "features column name: a vector column");
        predictionCol = new Param<>(this, "predictionCol",
                "prediction column name: the index of the nearest centre, an integer");
        k = new IntParam(this, "k", "the number of clusters (> 1)", ParamValidators.gt(1));
        maxIter = new IntParam(this, "maxIter", "the most Lloyd passes over the data (>= 1)", ParamValidators.gtEq(1));
        initMode = new Param<>(this, "initMode", "how the initial centres are chosen: " + K_MEANS_PARALLEL
                + " (k-means||) or " + RANDOM, ParamValidators.inArray(new String[] {K_MEANS_PARALLEL, RANDOM}));
        initSteps = new IntParam(this, "initSteps", "the sampling steps of k-means|| (> 0)", ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "random seed");
        tol = new DoubleParam(this, "tol", "stop once no centre moves farther than this in a pass (>= 0)",
                ParamValidators.gtEq(0));
        staleness = new IntParam(this, "staleness", "how many passes a worker may run ahead of the slowest "
                + "(>= 0; 0 is exact Lloyd)", ParamValidators.gtEq(0));
        numWorkers = new IntParam(this, "numWorkers", "workers (partitions trained in parallel); 0 means every "
                + "task slot of the cluster (>= 0)", ParamValidators.gtEq(0));
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(k, 2);
        setDefault(maxIter, 20);
        setDefault(initMode, K_MEANS_PARALLEL);
        setDefault(initSteps, 2);
        setDefault(seed, (long) KMeans.class.getName().hashCode());
        setDefault(tol, 1e-4);
        setDefault(staleness, 0);
        setDefault(numWorkers, 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public IntParam k() {
        return k;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public Param<String> initMode() {
        return initMode;
    }

    public IntParam initSteps() {
        return initSteps;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam tol() {
        return tol;
    }

    public IntParam staleness() {
        return staleness;
    }

    public IntParam numWorkers() {
        return numWorkers;
    }

    public String getFeaturesCol() {
        return (String) getOrDefault(featuresCol);
    }

    public String getPredictionCol() {
        return (String) getOrDefault(predictionCol);
    }

    public int getK() {
        return (Integer) getOrDefault(k);
    }

    public int getMaxIter() {
        return (Integer) getOrDefault(maxIter);
    }

    public String getInitMode() {
        return (String) getOrDefault(initMode);
    }

    public int getInitSteps() {
        return (Integer) getOrDefault(initSteps);
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    public double getTol() {
        return (Double) getOrDefault(tol);
    }

    public int getStaleness() {
        return (Integer) getOrDefault(staleness);
    }

    public int getNumWorkers() {
        return (Integer) getOrDefault(numWorkers);
    }

    public KMeans setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public KMeans setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public KMeans setK(int value) {
        set(k, value);
        return this;
    }

    public KMeans setMaxIter(int value) {
        set(maxIter, value);
        return this;
    }

    public KMeans setInitMode(String value) {
        set(initMode, value);
        return this;
    }

    public KMeans setInitSteps(int value) {
        set(initSteps, value);
        return this;
    }

    public KMeans setSeed(long value) {
        set(seed, value);
        return this;
    }

    public KMeans setTol(double value) {
        set(tol, value);
        return this;
    }

    public KMeans setStaleness(int value) {
        set(staleness, value);
        return this;
    }

    public KMeans setNumWorkers(int value) {
        set(numWorkers, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireVector(schema, "featuresCol", getFeaturesCol());
        return Schemas.append(schema, "predictionCol", getPredictionCol(), DataTypes.IntegerType);
    }

    /**
     * Fits the centres. Blocks until the run ends.
     *
     * @throws IllegalArgumentException before any table exists, naming the column or parameter, if a column is
     *                                  missing or mistyped, a point is null or holds a NaN or infinite value, the
     *                                  data has fewer rows than {@code k}, or {@code numWorkers} exceeds the task slots
     */
    @Override
    public KMeansModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        PsContext ps = PsContext.get(dataset.sparkSession());
        int workers = Workers.resolve(ps, "numWorkers", getNumWorkers());
        String column = getFeaturesCol();
        JavaRDD<Vector> vectors = dataset.select(column).toJavaRDD().map(r -> (Vector) r.get(0));
        JavaRDD<Vector> parts = vectors.getNumPartitions() == workers ? vectors : vectors.repartition(workers);
        List<InputCheck.PartitionFacts> facts = InputCheck.run(parts);
        long[] counts = InputCheck.counts(facts, "featuresCol", column);
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        if (n == 0) {
            throw new IllegalArgumentException("dataset: no rows to cluster (expected: at least k = " + getK() + ")");
        }
        if (getK() > n) {
            throw new IllegalArgumentException("k : " + getK() + " (expected: <= " + n
                    + ", the number of rows to cluster)");
        }
        int dim = InputCheck.dim(facts);
        boolean parallel = K_MEANS_PARALLEL.equals(getInitMode());
        long[][] picks = InitialPicks.draw(counts, parallel ? 1 : getK(), getSeed());
        FitPlan plan = new FitPlan(Workers.tableName("kmeans-stats", uid), Workers.tableName("kmeans-init", uid),
                Workers.tableName("kmeans-control", uid), getK(), dim, getMaxIter(), parallel, getInitSteps(),
                getSeed(), getTol(), getStaleness(), workers, picks, 4 * getK() + EXTRA_CANDIDATES);
        LOG.info("k-means: {} points of {} dimensions on {} workers, k={}, init {}, SSP({})", n, dim, workers,
                getK(), getInitMode(), getStaleness());
        List<String> created = new ArrayList<>();
        Throwable failure = null;
        try {
            create(ps, created, TableSpec.dense(plan.stats(), plan.k(), dim + 2));
            create(ps, created, TableSpec.dense(plan.candidates(), plan.candidateRows(), dim));
            create(ps, created, TableSpec.dense(plan.control(), plan.controlRows(), plan.controlCols()));
            List<LloydWorker.Result> results = ps.runWorkers(parts, new LloydWorker(plan));
            return model(plan, results.get(0), ps.readDense(plan.stats()));
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            for (String t : created) {
                try {
                    ps.dropTable(t);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        throw e;
                    }
                    failure.addSuppressed(e);
                }
            }
        }
    }

    private static void create(PsContext ps, List<String> created, TableSpec spec) {
        ps.createTable(spec);
        created.add(spec.name());
    }

    /** The model the final statistics give: the mean of each cluster (a cluster with no point keeps its centre). */
    private KMeansModel model(FitPlan plan, LloydWorker.Result first, double[][] stats) {
        double[][] last = first.centres();
        int dim = plan.dim();
        Vector[] centres = new Vector[last.length];
        long[] sizes = new long[last.length];
        double cost = 0;
        for (int c = 0; c < last.length; c++) {
            double count = stats[c][dim];
            sizes[c] = Math.round(count);
            cost += stats[c][dim + 1];
            if (sizes[c] == 0) {
                centres[c] = Vectors.dense(last[c]);
            } else {
                double[] m = new double[dim];
                for (int j = 0; j < dim; j++) {
                    m[j] = stats[c][j] / count;
                }
                centres[c] = Vectors.dense(m);
            }
        }
        KMeansModel model = new KMeansModel(uid, centres).setFeaturesCol(getFeaturesCol())
                .setPredictionCol(getPredictionCol());
        model.setParent(this);
        return model.withSummary(new KMeansSummary(cost, first.passes(), first.converged(), sizes));
    }

    @Override
    public KMeans copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<KMeans> read() {
        return new DefaultParamsReader<>();
    }

    public static KMeans load(String path) {
        return read().load(path);
    }
}
