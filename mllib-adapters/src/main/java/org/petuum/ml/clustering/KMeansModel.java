package org.petuum.ml.clustering;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
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
import org.petuum.ml.clustering.internal.Centres;
import org.petuum.ml.internal.ModelIO;
import org.petuum.ml.internal.Schemas;

/**
 * A fitted k-means model: {@code k} centres; {@link #transform} adds the index of each row's nearest centre
 * (Euclidean distance) as an integer column, which MLlib's {@code ClusteringEvaluator} reads unchanged. Saves and
 * loads in Spark ML's layout (parameters as metadata, centres as Parquet {@code (clusterIdx INT, clusterCenter
 * VECTOR)}, as MLlib writes them).
 *
 * <p>Immutable apart from its parameters; {@link #transform} and {@link #predict} may be called from any thread.
 */
public final class KMeansModel extends Model<KMeansModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final String DATA = "centres";

    private final String uid;
    private final Centres centres;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private KMeansSummary summary;

    /** A model of the given centres (all of one size), with default parameters. */
    public KMeansModel(String uid, Vector[] clusterCenters) {
        this.uid = uid;
        if (clusterCenters.length == 0) {
            throw new IllegalArgumentException("clusterCenters: none (expected: at least one centre)");
        }
        double[][] c = new double[clusterCenters.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = clusterCenters[i].toArray();
            if (c[i].length != c[0].length) {
                throw new IllegalArgumentException("clusterCenters: centre " + i + " has " + c[i].length
                        + " elements (expected: " + c[0].length + ", as centre 0)");
            }
        }
        this.centres = new Centres(c);
        this.featuresCol = new Param<>(this, "featuresCol", "features column name: a vector column");
        this.predictionCol = new Param<>(this, "predictionCol",
                "prediction column name: the index of the nearest centre, an integer");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
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

    public String getFeaturesCol() {
        return (String) getOrDefault(featuresCol);
    }

    public String getPredictionCol() {
        return (String) getOrDefault(predictionCol);
    }

    public KMeansModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public KMeansModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /** The centres, by cluster index, as new vectors. */
    public Vector[] clusterCenters() {
        Vector[] out = new Vector[centres.count()];
        for (int c = 0; c < out.length; c++) {
            out[c] = Vectors.dense(centres.centre(c).clone());
        }
        return out;
    }

    /** The number of centres. */
    public int numClusters() {
        return centres.count();
    }

    /** The index of the centre nearest to {@code features} (the lowest index among equally near ones). */
    public int predict(Vector features) {
        if (features.size() != centres.centre(0).length) {
            throw new IllegalArgumentException("features: a vector of " + features.size() + " elements (expected: "
                    + centres.centre(0).length + ", as the centres)");
        }
        return nearest(centres, features);
    }

    private static int nearest(Centres centres, Vector v) {
        if (v instanceof DenseVector d) {
            return centres.nearest(d.values());
        }
        SparseVector s = (SparseVector) v;
        int[] idx = s.indices();
        double[] val = s.values();
        double nx = 0;
        for (double x : val) {
            nx += x * x;
        }
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centres.count(); c++) {
            double[] cc = centres.centre(c);
            double dot = 0;
            for (int p = 0; p < idx.length; p++) {
                dot += val[p] * cc[idx[p]];
            }
            double d = Math.max(nx + centres.squaredNorm(c) - 2 * dot, 0);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        Centres model = centres;
        int dim = model.centre(0).length;
        UserDefinedFunction predict = functions.udf((UDF1<Vector, Integer>) v -> {
            if (v == null) {
                return null;
            }
            if (v.size() != dim) {
                throw new IllegalArgumentException("featuresCol: a vector of " + v.size()
                        + " elements (expected: " + dim + ", as the centres)");
            }
            return nearest(model, v);
        }, DataTypes.IntegerType);
        return dataset.withColumn(getPredictionCol(), predict.apply(functions.col(getFeaturesCol())));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireVector(schema, "featuresCol", getFeaturesCol());
        return Schemas.append(schema, "predictionCol", getPredictionCol(), DataTypes.IntegerType);
    }

    @Override
    public KMeansModel copy(ParamMap extra) {
        KMeansModel copy = copyValues(new KMeansModel(uid, clusterCenters()), extra);
        copy.summary = summary;
        return copy.setParent(parent());
    }

    /** Whether this model was fitted in this session (a loaded or copied-from-loaded model has no summary). */
    public boolean hasSummary() {
        return summary != null;
    }

    /** @throws IllegalStateException if the model has no summary (it was loaded) */
    public KMeansSummary summary() {
        if (summary == null) {
            throw new IllegalStateException("no summary: only a model fitted in this session has one (this one "
                    + "was loaded or built from centres)");
        }
        return summary;
    }

    KMeansModel withSummary(KMeansSummary s) {
        this.summary = s;
        return this;
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<KMeansModel> read() {
        return new Reader();
    }

    public static KMeansModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "KMeansModel: uid=" + uid + ", k=" + centres.count() + ", dim=" + centres.centre(0).length;
    }

    private static StructType dataSchema() {
        return new StructType().add("clusterIdx", DataTypes.IntegerType, false)
                .add("clusterCenter", SQLDataTypes.VectorType(), false);
    }

    private static final class Writer extends MLWriter {
        private final KMeansModel model;

        Writer(KMeansModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            ModelIO.saveMetadata(model, path, sparkSession());
            List<Row> rows = new ArrayList<>();
            Vector[] c = model.clusterCenters();
            for (int i = 0; i < c.length; i++) {
                rows.add(RowFactory.create(i, c[i]));
            }
            sparkSession().createDataFrame(rows, dataSchema()).repartition(1).write()
                    .parquet(ModelIO.dataPath(path, DATA));
        }
    }

    private static final class Reader extends MLReader<KMeansModel> {
        @Override
        public KMeansModel load(String path) {
            DefaultParamsReader.Metadata metadata = ModelIO.loadMetadata(path, sparkSession(), KMeansModel.class);
            List<Row> rows = sparkSession().read().parquet(ModelIO.dataPath(path, DATA))
                    .orderBy("clusterIdx").collectAsList();
            Vector[] c = new Vector[rows.size()];
            for (int i = 0; i < c.length; i++) {
                Row r = rows.get(i);
                if (r.getInt(0) != i) {
                    throw new IllegalArgumentException(ModelIO.dataPath(path, DATA) + ": centre " + i
                            + " is missing (found clusterIdx " + r.getInt(0) + ")");
                }
                c[i] = (Vector) r.get(1);
            }
            KMeansModel model = new KMeansModel(metadata.uid(), c);
            ModelIO.setParams(model, metadata);
            return model;
        }
    }
}
