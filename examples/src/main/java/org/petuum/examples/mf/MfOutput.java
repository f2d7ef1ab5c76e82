package org.petuum.examples.mf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.petuum.examples.report.ConvergenceReport;
import org.petuum.ml.recommendation.MatrixFactorization;
import org.petuum.ml.recommendation.MatrixFactorizationModel;

/**
 * Writes a finished model to an output folder (any Hadoop file system URI, a local path by default) so that
 * it is there completely or not at all: everything goes to a hidden staging folder beside it, which is
 * renamed into place last. An existing folder is replaced only if it holds an earlier model of this
 * command ({@value #MARKER}); anything else is refused before training starts.
 *
 * <p>Layout: {@code model.json} (parameters, sizes, final errors), {@code convergence.csv},
 * {@code convergence.png}, and {@code model/}: the {@link MatrixFactorizationModel} as Spark ML saves it
 * ({@code MatrixFactorizationModel.load(".../model")}), factors under {@code model/data/userFactors} and
 * {@code model/data/itemFactors} ({@code id INT, features ARRAY<FLOAT>}, ids as in the input file).
 */
public final class MfOutput {
    public static final String MARKER = "model.json";
    private static final String KIND = "petuum-mf";
    /** The folder of the Spark ML model inside the output. */
    public static final String MODEL = "model";

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

    /** What model.json records besides the parameters. */
    public record Facts(String input, int users, int items, int ratings, double finalTrainRmse, double finalTestRmse,
                        double seconds) {
    }

    /** Writes the whole model, then moves it into place. */
    public void write(MatrixFactorizationModel model, ConvergenceReport report, Facts facts, MatrixFactorization mf)
            throws IOException {
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(target.getParent(),
                "." + target.getName() + ".staging-" + Long.toString(System.nanoTime(), 36));
        try {
            fs.mkdirs(staging);
            model.write().save(new org.apache.hadoop.fs.Path(staging, MODEL).toString());
            Path local = Files.createTempDirectory("petuum-mf-report");
            try {
                report.writeCsv(local.resolve("convergence.csv"));
                report.writePng(local.resolve("convergence.png"), "Matrix factorisation on SSP tables"
                        + ("generated".equals(facts.input()) ? " (generated data)" : ""), null, null);
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
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out, summary(facts, mf));
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

    private static ObjectNode summary(Facts f, MatrixFactorization mf) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("kind", KIND);
        n.put("input", f.input());
        n.put("users", f.users());
        n.put("items", f.items());
        n.put("ratings", f.ratings());
        n.put("finalTrainRmse", f.finalTrainRmse());
        n.put("finalTestRmse", f.finalTestRmse());
        n.put("seconds", f.seconds());
        ObjectNode opts = n.putObject("options");
        opts.put("rank", mf.getRank());
        opts.put("maxIter", mf.getMaxIter());
        opts.put("stepSize", mf.getStepSize());
        opts.put("stepDecay", mf.getStepDecay());
        opts.put("regParam", mf.getRegParam());
        opts.put("schedule", mf.getSchedule());
        opts.put("staleness", mf.getStaleness());
        opts.put("numWorkers", mf.getNumWorkers());
        opts.put("seed", mf.getSeed());
        return n;
    }
}
