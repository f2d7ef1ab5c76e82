package org.petuum.ps.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.petuum.ssp.CheckpointFormat;
import org.petuum.ssp.CheckpointImage;

/**
 * Checkpoint files on any Hadoop file system (a local folder by default), laid out as
 * {@code <run folder>/clock-<k>/shard-<i>-of-<n>.ckpt}. A file is written under a temporary name and renamed
 * when complete, so a checkpoint of clock {@code k} is complete exactly when all {@code n} shard files exist.
 *
 * <p>Thread-safe (Hadoop file systems are).
 */
public final class CheckpointStore {
    private static final String CLOCK_PREFIX = "clock-";

    private final Configuration hadoopConf;

    public CheckpointStore(Configuration hadoopConf) {
        this.hadoopConf = hadoopConf;
    }

    /** A store with the Hadoop configuration Spark gives this JVM (spark.hadoop.* settings included). */
    public static CheckpointStore forThisJvm() {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        Configuration conf = env != null
                ? org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(env.conf())
                : new Configuration();
        return new CheckpointStore(conf);
    }

    /**
     * The folder of run {@code runId}'s checkpoints: {@code root/<application id>/run-<runId>}, the application id
     * made safe as one folder name. The driver and every shard derive it from their own configuration.
     */
    public static String runDir(String root, String appId, long runId) {
        if (runId <= 0) {
            throw new IllegalArgumentException("runId : " + runId + " (expected: > 0)");
        }
        return new Path(new Path(root, appId.replaceAll("[^A-Za-z0-9._-]", "_")), "run-" + runId).toString();
    }

    static Path clockDir(String runDir, int clock) {
        return new Path(runDir, String.format(Locale.ROOT, "%s%010d", CLOCK_PREFIX, clock));
    }

    static Path file(String runDir, int clock, int shard, int numShards) {
        return new Path(clockDir(runDir, clock), "shard-" + shard + "-of-" + numShards + ".ckpt");
    }

    /** Writes one shard's image atomically (temporary file, then rename); returns the bytes written. */
    public long write(String runDir, CheckpointImage image) throws IOException {
        Path target = file(runDir, image.clock(), image.shardIndex(), image.numShards());
        FileSystem fs = target.getFileSystem(hadoopConf);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + Long.toString(System.nanoTime(), 36));
        fs.mkdirs(target.getParent());
        try (OutputStream out = fs.create(tmp, true)) {
            CheckpointFormat.write(image, out);
        }
        long bytes = fs.getFileStatus(tmp).getLen();
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + target);
        }
        return bytes;
    }

    /** Reads one shard's image of the checkpoint of {@code clock}. */
    public CheckpointImage read(String runDir, int clock, int shard, int numShards) throws IOException {
        Path f = file(runDir, clock, shard, numShards);
        FileSystem fs = f.getFileSystem(hadoopConf);
        try (InputStream in = fs.open(f)) {
            CheckpointImage image = CheckpointFormat.read(in, f.toString());
            if (image.clock() != clock || image.shardIndex() != shard || image.numShards() != numShards) {
                throw new IOException(f + ": holds clock " + image.clock() + " of shard " + image.shardIndex() + " of "
                        + image.numShards() + ", not clock " + clock + " of shard " + shard + " of " + numShards);
            }
            return image;
        }
    }

    /** The newest clock whose checkpoint has all {@code numShards} shard files, if any. */
    public OptionalInt newestComplete(String runDir, int numShards) throws IOException {
        Path dir = new Path(runDir);
        FileSystem fs = dir.getFileSystem(hadoopConf);
        if (!fs.exists(dir)) {
            return OptionalInt.empty();
        }
        TreeSet<Integer> clocks = new TreeSet<>();
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && name.startsWith(CLOCK_PREFIX)) {
                try {
                    clocks.add(Integer.parseInt(name.substring(CLOCK_PREFIX.length())));
                } catch (NumberFormatException e) {
                    // Not one of ours; ignore it.
                }
            }
        }
        for (int clock : clocks.descendingSet()) {
            boolean complete = true;
            for (int s = 0; s < numShards && complete; s++) {
                complete = fs.exists(file(runDir, clock, s, numShards));
            }
            if (complete) {
                return OptionalInt.of(clock);
            }
        }
        return OptionalInt.empty();
    }

    /** Deletes a run's checkpoints (after the run succeeded). */
    public void deleteRun(String runDir) throws IOException {
        Path dir = new Path(runDir);
        dir.getFileSystem(hadoopConf).delete(dir, true);
    }
}
