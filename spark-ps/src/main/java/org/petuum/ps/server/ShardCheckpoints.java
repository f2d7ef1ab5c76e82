package org.petuum.ps.server;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.internal.CheckpointStore;
import org.petuum.ps.metrics.ShardMetrics;
import org.petuum.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import org.petuum.ssp.CheckpointImage;

/**
 * A shard's checkpoint files: where they go, and the threads that touch the file system, so that no network
 * thread ever blocks on it.
 *
 * <p>Folders: below the shard's own {@code spark.petuum.checkpoint.dir}, in the folder of the application and of
 * the run a request names ({@link CheckpointStore#runDir}); a client never gives a location.
 *
 * <p>Threads: {@code io} writes the image of a run's start (the run is acknowledged only once it is on disk) and
 * reads images to restore, answering when done; {@code writer} writes the periodic images of the current attempt,
 * in order, from a queue of at most {@link #QUEUE} images: when the file system is slower than the run, the oldest
 * waiting image is dropped (a newer one will replace it), so a slow disk costs recovery distance, never memory.
 * Images of an attempt that has been replaced, or of a run whose folder the driver deleted (it succeeded), are not
 * written. After each periodic image, the shard deletes its own images older than the two newest complete
 * checkpoints of the attempt (two, so that recovery can fall back when the newest cannot be read).
 *
 * <p>Thread-safe.
 */
final class ShardCheckpoints {
    private static final Logger LOG = LogManager.getLogger(ShardCheckpoints.class);
    /** Periodic images waiting to be written, at most. */
    static final int QUEUE = 2;
    /** Complete checkpoints of an attempt kept on disk. */
    static final int KEEP = 2;

    /** Where the current attempt's periodic images go. */
    record Attempt(String runDir, long attempt) {
    }

    private final String name;
    private final String root;
    private final ShardMetrics metrics;
    private volatile Supplier<String> applicationId = () -> "unnamed-application";
    private volatile Attempt current;
    private CheckpointStore store;
    private ExecutorService io;
    private ThreadPoolExecutor writer;

    ShardCheckpoints(String name, String root, ShardMetrics metrics) {
        this.name = name;
        this.root = root;
        this.metrics = metrics;
    }

    void applicationId(Supplier<String> id) {
        this.applicationId = id;
    }

    /** The folder of run {@code checkpointRun} (above 0). */
    String runDir(long checkpointRun) {
        return CheckpointStore.runDir(root, applicationId.get(), checkpointRun);
    }

    /**
     * A new attempt starts ({@code null}: one without checkpoints): images still waiting for an earlier attempt
     * are dropped.
     */
    void begin(Attempt attempt) {
        current = attempt;
        ThreadPoolExecutor w;
        synchronized (this) {
            w = writer;
        }
        if (w != null) {
            w.getQueue().clear();
        }
    }

    /** Writes the image of the current attempt's start on the I/O thread, then calls {@code done} or {@code failed}. */
    void writeStart(Attempt attempt, CheckpointImage image, Runnable done, Consumer<Exception> failed) {
        io().execute(() -> {
            try {
                write(attempt, image);
                done.run();
            } catch (IOException | RuntimeException e) {
                failed.accept(new IllegalStateException("cannot write the checkpoint of clock " + image.clock()
                        + " to " + attempt.runDir() + ": " + e.getMessage(), e));
            }
        });
    }

    /** Queues a periodic image of the current attempt (never blocks; may drop the oldest waiting image). */
    void writePeriodic(CheckpointImage image) {
        Attempt attempt = current;
        if (attempt == null) {
            return;
        }
        writer().execute(() -> {
            if (attempt != current) {
                return; // the attempt was replaced while this image waited
            }
            try {
                if (!store().exists(attempt.runDir())) {
                    return; // the run succeeded and the driver deleted its folder
                }
                write(attempt, image);
                store().prune(attempt.runDir(), attempt.attempt(), image.shardIndex(), image.numShards(), KEEP);
            } catch (IOException | RuntimeException e) {
                // A missing periodic checkpoint only means recovery starts from an older one.
                LOG.error("{}: cannot write the checkpoint of clock {} to {}: {}", name, image.clock(),
                        attempt.runDir(), e.getMessage(), e);
            }
        });
    }

    /**
     * Reads this shard's image of a checkpoint on the I/O thread and hands it to {@code restore} (which installs
     * it), then calls {@code done}; or calls {@code failed} with an error naming the file.
     */
    void restore(long checkpointRun, long attempt, int clock, int shard, int shards, Consumer<CheckpointImage> restore,
                 Runnable done, Consumer<Exception> failed) {
        String dir = runDir(checkpointRun);
        begin(null); // the failed attempt writes (and prunes) nothing more
        io().execute(() -> {
            CheckpointImage image;
            try {
                image = store().read(dir, attempt, clock, shard, shards);
            } catch (IOException | RuntimeException e) {
                failed.accept(new IllegalStateException("cannot read shard " + shard + "'s image of the checkpoint of "
                        + "clock " + clock + " (attempt " + attempt + ") in " + dir + ": " + e.getMessage(), e));
                return;
            }
            try {
                restore.accept(image);
            } catch (RuntimeException e) {
                failed.accept(e);
                return;
            }
            LOG.info("{}: restored {} cells from the checkpoint of clock {}", name, image.cells(), clock);
            done.run();
        });
    }

    private void write(Attempt attempt, CheckpointImage image) throws IOException {
        long start = System.nanoTime();
        long bytes = store().write(attempt.runDir(), attempt.attempt(), image);
        long millis = (System.nanoTime() - start) / 1_000_000;
        metrics.checkpointWriteMillis.update(millis);
        metrics.checkpointBytes.update(bytes);
        LOG.info("{}: checkpoint of clock {} written ({} bytes in {} ms)", name, image.clock(), bytes, millis);
    }

    private synchronized CheckpointStore store() {
        if (store == null) {
            store = CheckpointStore.forThisJvm();
        }
        return store;
    }

    private synchronized ExecutorService io() {
        if (io == null) {
            io = Executors.newSingleThreadExecutor(new DefaultThreadFactory("petuum-checkpoint-io", true));
        }
        return io;
    }

    private synchronized ThreadPoolExecutor writer() {
        if (writer == null) {
            writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                    new DefaultThreadFactory("petuum-checkpoint", true), new ThreadPoolExecutor.DiscardOldestPolicy() {
                        @Override
                        public void rejectedExecution(Runnable task, ThreadPoolExecutor pool) {
                            if (!pool.isShutdown()) {
                                LOG.warn("{}: checkpoints are written more slowly than they are taken; the oldest "
                                        + "waiting image was dropped", name);
                            }
                            super.rejectedExecution(task, pool);
                        }
                    });
        }
        return writer;
    }

    /** Stops both threads, letting the work in progress finish (bounded). */
    void close() {
        ExecutorService[] both;
        synchronized (this) {
            both = new ExecutorService[] {writer, io};
        }
        for (ExecutorService e : both) {
            if (e == null) {
                continue;
            }
            e.shutdown();
            try {
                if (!e.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("{}: a checkpoint read or write did not finish within 30 s of shutdown", name);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
