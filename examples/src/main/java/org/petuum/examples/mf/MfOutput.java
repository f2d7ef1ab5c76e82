package org.petuum.examples.mf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.examples.data.RatingsData;

/**
 * Writes a finished model to an output folder (any Hadoop file system URI, a local path by default) so that
 * it is there completely or not at all: everything goes to a hidden staging folder beside it, which is
 * renamed into place last. An existing folder is replaced only if it holds an earlier model of this
 * command ({@value #MARKER}); anything else is refused before training starts.
 *
 * <p>Layout: {@code model.json} (options, sizes, final errors), {@code convergence.csv},
 * {@code convergence.png}, and Parquet folders {@code user-factors/} and {@code item-factors/} with columns
 * {@code id INT, features ARRAY<DOUBLE>, bias DOUBLE} ({@code id} is the id in the input file).
 */
public final class MfOutput {
    public static final String MARKER = "model.json";
    private static final String KIND = "petuum-mf";

    private final org.apache.hadoop.fs.Path target;
    private final FileSystem fs;

    private MfOutput(org.apache.hadoop.fs.Path target, FileSystem fs) {
        this.target = target;
        this.fs = fs;
    }

    /**
     * Checks that {@code dir} can receive a model: it does not exist, or holds an earlier model of this command.
     *
     * @throws IllegalArgumentException naming the folder and what is wrong
     */
    public static MfOutput prepare(String dir, Configuration hadoopConf) throws IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir);
        FileSystem fs = target.getFileSystem(hadoopConf);
        target = fs.makeQualified(target);
        if (fs.exists(target)) {
            if (!fs.getFileStatus(target).isDirectory()) {
                throw new IllegalArgumentException("--output : " + dir + " is a file (expected: a folder to create)");
            }
            if (fs.listStatus(target).length > 0 && !fs.exists(new org.apache.hadoop.fs.Path(target, MARKER))) {
                throw new IllegalArgumentException("--output : " + dir + " exists and is not the output of an "
                        + "earlier 'petuum mf' run (no " + MARKER + "); choose another folder");
            }
        }
        return new MfOutput(target, fs);
    }

    public String location() {
        return target.toString();
    }

    /** Writes the whole model, then moves it into place. */
    public void write(SparkSession spark, MfJob.Result result, RatingsData data, MfOptions options, String input)
            throws IOException {
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(target.getParent(),
                "." + target.getName() + ".staging-" + Long.toString(System.nanoTime(), 36));
        try {
            fs.mkdirs(staging);
            int rank = options.rank();
            factors(spark, result.userRows(), rank, data::originalUserId)
                    .write().mode(SaveMode.ErrorIfExists).parquet(new org.apache.hadoop.fs.Path(staging, "user-factors").toString());
            factors(spark, result.itemRows(), rank, data::originalItemId)
                    .write().mode(SaveMode.ErrorIfExists).parquet(new org.apache.hadoop.fs.Path(staging, "item-factors").toString());
            Path local = Files.createTempDirectory("petuum-mf-report");
            try {
                result.report().writeCsv(local.resolve("convergence.csv"));
                result.report().writePng(local.resolve("convergence.png"), "Matrix factorisation on SSP tables"
                        + (input == null ? " (generated data)" : ""), null, null);
                fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(local.resolve("convergence.csv").toUri()),
                        new org.apache.hadoop.fs.Path(staging, "convergence.csv"));
                fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(local.resolve("convergence.png").toUri()),
                        new org.apache.hadoop.fs.Path(staging, "convergence.png"));
            } finally {
                Files.deleteIfExists(local.resolve("convergence.csv"));
                Files.deleteIfExists(local.resolve("convergence.png"));
                Files.deleteIfExists(local);
            }
            // The marker last: a staging folder without it is never mistaken for a model.
            try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(staging, MARKER), true)) {
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out, summary(result, data, options, input));
            }
            if (fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("could not replace the earlier model in " + target);
            }
            if (!fs.rename(staging, target)) {
                throw new IOException("could not move the finished model from " + staging + " to " + target);
            }
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
    }

    private static ObjectNode summary(MfJob.Result r, RatingsData data, MfOptions o, String input) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("kind", KIND);
        n.put("input", input == null ? "generated" : input);
        n.put("users", data.numUsers());
        n.put("items", data.numItems());
        n.put("ratings", data.size());
        n.put("globalMean", r.mean());
        n.put("finalTrainRmse", r.finalTrainRmse());
        n.put("finalTestRmse", r.finalTestRmse());
        n.put("seconds", r.seconds());
        ObjectNode opts = n.putObject("options");
        opts.put("rank", o.rank());
        opts.put("learningRate", o.learningRate());
        opts.put("decay", o.decay());
        opts.put("lambda", o.lambda());
        opts.put("clocks", o.clocks());
        opts.put("clocksPerPass", o.clocksPerPass());
        opts.put("staleness", o.staleness());
        opts.put("seed", o.seed());
        return n;
    }

    private static org.apache.spark.sql.Dataset<Row> factors(SparkSession spark, double[][] rows, int rank,
                                                             java.util.function.IntUnaryOperator originalId) {
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType, false)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
                .add("bias", DataTypes.DoubleType, false);
        List<Row> out = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] != null) {
                out.add(RowFactory.create(originalId.applyAsInt(i), java.util.Arrays.copyOf(rows[i], rank), rows[i][rank]));
            }
        }
        return spark.createDataFrame(out, schema).coalesce(1);
    }
}
