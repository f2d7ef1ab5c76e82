package org.petuum.bench.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.petuum.ps.internal.CheckpointStore;
import org.petuum.ssp.CheckpointImage;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.ShardState;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checkpoint cost of one shard: taking the clock-consistent image of a dense table, writing it through the
 * Hadoop file system API (temporary file, checksum, rename), reading it back and restoring it, per 100 MB of
 * table. The same code paths a shard server runs.
 */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Checkpoint write and restore time per 100 MB of table.")
public final class CheckpointBench implements Callable<Integer> {

    /** Checkpoints are kept per attempt of a run; every image here is written by the first attempt of its run. */
    private static final long ATTEMPT = 1;

    @Option(names = "--megabytes", defaultValue = "200", description = "Table size in MB of doubles (default: ${DEFAULT-VALUE}).")
    int megabytes;

    @Option(names = "--cols", defaultValue = "1024", description = "Columns per row (default: ${DEFAULT-VALUE}).")
    int cols;

    @Option(names = "--repeats", defaultValue = "3", description = "Measured repetitions (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--dir", description = "Checkpoint folder or URI (default: a new temporary folder).")
    String dir;

    @Override
    public Integer call() throws Exception {
        int rows = (int) Math.max(1, (long) megabytes * 1024 * 1024 / 8 / cols);
        double mb = rows * (double) cols * 8 / 1e6;
        Path tmp = dir == null ? Files.createTempDirectory("petuum-checkpoint-bench") : null;
        String root = dir != null ? dir : tmp.toUri().toString();
        TableRef table = new TableRef(0, TableSpec.dense("bench", rows, cols));
        ShardState<Object> shard = new ShardState<>(0, new RowPartitioner(1));
        shard.createTable(table);
        SplittableRandom rng = new SplittableRandom(1);
        int[] ids = new int[rows];
        RowValues[] values = new RowValues[rows];
        for (int r = 0; r < rows; r++) {
            ids[r] = r;
            double[] v = new double[cols];
            for (int c = 0; c < cols; c++) {
                v[c] = rng.nextDouble();
            }
            values[r] = DenseRow.wrap(v);
        }
        shard.putRows(0, ids, values);
        shard.beginRun(1, 1, 0, 0);
        CheckpointStore store = new CheckpointStore(new Configuration());
        System.out.printf(Locale.ROOT, "table: %,d rows x %,d cols = %.1f MB; folder %s%n", rows, cols, mb, root);
        double[] image = new double[repeats];
        double[] write = new double[repeats];
        double[] read = new double[repeats];
        double[] restore = new double[repeats];
        long bytes = 0;
        for (int i = -1; i < repeats; i++) { // i = -1 warms up
            String runDir = root + "/run-" + (i + 2);
            long t0 = System.nanoTime();
            CheckpointImage img = shard.checkpointNow();
            long t1 = System.nanoTime();
            bytes = store.write(runDir, ATTEMPT, img);
            long t2 = System.nanoTime();
            CheckpointImage back = store.read(runDir, ATTEMPT, img.clock(), 0, 1);
            long t3 = System.nanoTime();
            shard.restore(back);
            long t4 = System.nanoTime();
            store.deleteRun(runDir);
            if (i >= 0) {
                image[i] = (t1 - t0) / 1e9;
                write[i] = (t2 - t1) / 1e9;
                read[i] = (t3 - t2) / 1e9;
                restore[i] = (t4 - t3) / 1e9;
            }
        }
        double per100 = 100 / mb;
        System.out.printf(Locale.ROOT, "file size %.1f MB (%.3f bytes per table byte)%n", bytes / 1e6, bytes / (mb * 1e6));
        System.out.printf(Locale.ROOT, "%-34s %10s %14s%n", "step (median of " + repeats + ")", "seconds", "s per 100 MB");
        row("take the image (copy under lock)", median(image), per100);
        row("write (checksum, temp file, rename)", median(write), per100);
        row("read and verify", median(read), per100);
        row("restore into the shard", median(restore), per100);
        row("checkpoint = image + write", median(image) + median(write), per100);
        row("recovery = read + restore", median(read) + median(restore), per100);
        if (tmp != null) {
            Files.deleteIfExists(tmp);
        }
        return 0;
    }

    private static void row(String step, double seconds, double per100) {
        System.out.printf(Locale.ROOT, "%-34s %10.3f %14.3f%n", step, seconds, seconds * per100);
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
