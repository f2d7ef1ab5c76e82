package org.petuum.ps.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.Restore;
import org.petuum.ssp.TableRef;

/**
 * The image of every table written at the end of the last successful run (checkpoints on), from which a shard
 * lost between runs gets its rows back on the executor that takes over its index. Only the newest is kept: writing
 * one deletes the one before, and {@link #deleteAll} deletes it when the application ends.
 *
 * <p>Written with the shards' own checkpoint path: a {@code BEGIN_RUN} of an image id that runs no worker and asks
 * for its start image, each shard acknowledging once its file is on disk; restored with {@code RESTORE} of that
 * id, attempt and clock 0. The folder is {@code <checkpoint dir>/<application>/run-<image id>}.
 *
 * <p>Not thread-safe: confined to the {@link DriverRuntime}'s monitor.
 */
final class TablesImage {
    private static final Logger LOG = LogManager.getLogger(TablesImage.class);

    /** One image: its id (a run id, as folder name and attempt), its folder and the tables it holds. */
    record Image(long id, String runDir, List<TableRef> tables) {
    }

    private final PsConf conf;
    private final ShardLayout layout;
    private final Supplier<PsClient> admin;
    private final Supplier<CheckpointStore> store;
    private Image last;

    TablesImage(PsConf conf, ShardLayout layout, Supplier<PsClient> admin, Supplier<CheckpointStore> store) {
        this.conf = conf;
        this.layout = layout;
        this.admin = admin;
        this.store = store;
    }

    /** The newest image, or {@code null} if none was written (or checkpoints are off). */
    Image last() {
        return last;
    }

    /**
     * Writes an image of {@code tables} as every shard holds them now (between runs) under id {@code id}, then
     * deletes the previous image.
     *
     * @throws PsException if a shard could not write its file (the previous image is kept then)
     */
    void write(String appId, long id, List<TableRef> tables) {
        if (tables.isEmpty()) {
            deleteAll(); // no table, no row to lose
            return;
        }
        String dir = CheckpointStore.runDir(conf.checkpointDir(), appId, id);
        long start = System.nanoTime();
        int n = layout.size();
        layout.onEveryShard(s -> seq -> new BeginRun(seq, id, 1, s.index(), n, 0, 0, id, true),
                "writing the image of every table in " + dir);
        Image previous = last;
        last = new Image(id, dir, List.copyOf(tables));
        LOG.info("image of {} table(s) written to {} in {} ms", tables.size(), dir, (System.nanoTime() - start) / 1_000_000);
        if (previous != null) {
            delete(previous);
        }
    }

    /** Restores shard {@code next} (which took over a lost index, with every table of the image created). */
    void restoreOn(ShardAddress next) {
        Image image = last;
        layout.await(next, admin.get().connection(next).send(seq -> new Restore(seq, image.id(), image.id(), 0)),
                "restoring the image in " + image.runDir());
    }

    /** Deletes the newest image (no table is left, or the application ends: its tables go with it). */
    void deleteAll() {
        if (last != null) {
            delete(last);
            last = null;
        }
    }

    private void delete(Image image) {
        try {
            store.get().deleteRun(image.runDir());
        } catch (IOException e) {
            LOG.warn("could not delete the image of the tables in {}", image.runDir(), e);
        }
    }
}
