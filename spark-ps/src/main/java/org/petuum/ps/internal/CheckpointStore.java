package org.petuum.ps.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.petuum.ssp.CheckpointFormat;
import org.petuum.ssp.CheckpointImage;

/**
 * Checkpoint files on any Hadoop file system (a local folder by default), laid out as
 * {@code <run folder>/attempt-<a>/clock-<k>/shard-<i>-of-<n>.ckpt}: each attempt of a run (a relaunch after a
 * failure has a new attempt id) writes into its own folder, so what a failed attempt left half-written, or still
 * writes late, never mixes with the images of the next. A file is written under a temporary name and renamed when
 * complete (each file carries its own CRC32C), so a checkpoint of clock {@code k} is complete exactly when one
 * attempt's folder holds all {@code n} shard files of it.
 *
 * <p>Thread-safe (Hadoop file systems are).
 */
public final class CheckpointStore {
    private static final String CLOCK_PREFIX = "clock-";
    private static final String ATTEMPT_PREFIX = "attempt-";

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

    /** One checkpoint: the attempt that wrote it and its clock boundary. */
    public record Checkpoint(long attempt, int clock) {
    }

    static Path attemptDir(String runDir, long attempt) {
        return new Path(runDir, ATTEMPT_PREFIX + attempt);
    }

    static Path clockDir(String runDir, long attempt, int clock) {
        return new Path(attemptDir(runDir, attempt), String.format(Locale.ROOT, "%s%010d", CLOCK_PREFIX, clock));
    }

    static Path file(String runDir, long attempt, int clock, int shard, int numShards) {
        return new Path(clockDir(runDir, attempt, clock), "shard-" + shard + "-of-" + numShards + ".ckpt");
    }

    /**
     * Writes one shard's image of attempt {@code attempt} atomically: into a temporary file, renamed when complete.
     * An image is written once: if the file exists already (the same attempt, clock and shard), it stays and the new
     * one is discarded. A failed write leaves no temporary file behind.
     *
     * @return the bytes of the file now in place
     */
    public long write(String runDir, long attempt, CheckpointImage image) throws IOException {
        Path target = file(runDir, attempt, image.clock(), image.shardIndex(), image.numShards());
        FileSystem fs = target.getFileSystem(hadoopConf);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + Long.toString(System.nanoTime(), 36));
        fs.mkdirs(target.getParent());
        boolean placed = false;
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                CheckpointFormat.write(image, out);
            }
            if (fs.exists(target)) {
                return fs.getFileStatus(target).getLen();
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            placed = true;
            return fs.getFileStatus(target).getLen();
        } finally {
            if (!placed) {
                fs.delete(tmp, false);
            }
        }
    }

    /** Reads one shard's image of the checkpoint of {@code clock} written by {@code attempt}. */
    public CheckpointImage read(String runDir, long attempt, int clock, int shard, int numShards) throws IOException {
        Path f = file(runDir, attempt, clock, shard, numShards);
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

    /**
     * The complete checkpoints of a run, newest clock first (of two at the same clock, the later attempt's
     * first): those for which one attempt wrote all {@code numShards} shard files. Files of different attempts
     * never make one checkpoint together.
     */
    public List<Checkpoint> complete(String runDir, int numShards) throws IOException {
        Path dir = new Path(runDir);
        FileSystem fs = dir.getFileSystem(hadoopConf);
        List<Checkpoint> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus a : fs.listStatus(dir)) {
            long attempt = number(a, ATTEMPT_PREFIX);
            if (attempt < 0) {
                continue;
            }
            for (FileStatus c : fs.listStatus(a.getPath())) {
                long clock = number(c, CLOCK_PREFIX);
                if (clock < 0 || clock > Integer.MAX_VALUE) {
                    continue;
                }
                boolean all = true;
                for (int s = 0; s < numShards && all; s++) {
                    all = fs.exists(file(runDir, attempt, (int) clock, s, numShards));
                }
                if (all) {
                    out.add(new Checkpoint(attempt, (int) clock));
                }
            }
        }
        out.sort(Comparator.comparingInt(Checkpoint::clock).thenComparingLong(Checkpoint::attempt).reversed());
        return out;
    }

    /**
     * Deletes this shard's images of {@code attempt} that are older than the {@code keep} newest complete
     * checkpoints of that attempt (kept so that recovery can fall back when the newest cannot be read).
     */
    public void prune(String runDir, long attempt, int shard, int numShards, int keep) throws IOException {
        List<Checkpoint> done = new ArrayList<>();
        for (Checkpoint c : complete(runDir, numShards)) {
            if (c.attempt() == attempt) {
                done.add(c);
            }
        }
        if (done.size() < keep) {
            return;
        }
        int oldestKept = done.get(keep - 1).clock();
        Path dir = attemptDir(runDir, attempt);
        FileSystem fs = dir.getFileSystem(hadoopConf);
        for (FileStatus c : fs.listStatus(dir)) {
            long clock = number(c, CLOCK_PREFIX);
            if (clock >= 0 && clock < oldestKept) {
                fs.delete(file(runDir, attempt, (int) clock, shard, numShards), false);
            }
        }
    }

    /** Whether the run's folder exists (the driver deletes it when the run has succeeded). */
    public boolean exists(String runDir) throws IOException {
        Path dir = new Path(runDir);
        return dir.getFileSystem(hadoopConf).exists(dir);
    }

    /** The number in a folder name {@code <prefix><number>}, or -1 if it is not one of ours. */
    private static long number(FileStatus st, String prefix) {
        String name = st.getPath().getName();
        if (!st.isDirectory() || !name.startsWith(prefix)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Deletes a run's checkpoints (after the run succeeded). */
    public void deleteRun(String runDir) throws IOException {
        Path dir = new Path(runDir);
        dir.getFileSystem(hadoopConf).delete(dir, true);
    }
}
