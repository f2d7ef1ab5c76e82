package org.petuum.ssp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * When a shard takes checkpoint images during a run, and what they hold.
 *
 * <p>A boundary {@code k} (a multiple of the interval) is taken when the run's minimum clock reaches {@code k}. By
 * then faster workers may have flushed clocks {@code >= k}: their updates are kept aside ("ahead") so that the image
 * holds exactly the clocks below {@code k}. For tables that add their updates, the kept changes are subtracted from a
 * copy of the rows; tables with an optimizer are imaged from their {@link OptimizerShadows} instead, since an
 * optimizer step cannot be subtracted. Once a worker has finished below the next boundary, no image will be taken in
 * the run any more, and nothing is kept aside.
 *
 * <p>Not thread-safe: owned by one {@link ShardState}.
 */
final class ShardCheckpointer {
    private final ShardTables tables;
    private int interval;
    private int next = Integer.MAX_VALUE;
    private final TreeMap<Integer, List<RowUpdate>> ahead = new TreeMap<>();
    private final OptimizerShadows shadows = new OptimizerShadows();
    /** The smallest clock a worker of this run finished at ({@link Integer#MAX_VALUE}: none has). */
    private int finishedFloor = Integer.MAX_VALUE;

    ShardCheckpointer(ShardTables tables) {
        this.tables = tables;
    }

    /** A run starts at {@code startClock}, with an image every {@code interval} clocks (0: none). */
    void begin(int startClock, int interval) {
        if (interval < 0) {
            throw new IllegalArgumentException("checkpointInterval : " + interval + " (expected: >= 0)");
        }
        stop();
        this.interval = interval;
        this.next = interval == 0 ? Integer.MAX_VALUE : (startClock / interval + 1) * interval;
        this.finishedFloor = Integer.MAX_VALUE;
        if (taking()) {
            for (TableRef t : tables.all()) {
                track(t);
            }
        }
    }

    /** No more images in this run (it ended, or the shard was restored). */
    void stop() {
        next = Integer.MAX_VALUE;
        ahead.clear();
        shadows.clear();
    }

    private boolean taking() {
        return next != Integer.MAX_VALUE;
    }

    private void track(TableRef t) {
        OptimizerState optimizer = tables.optimizer(t.id());
        if (optimizer != null) {
            shadows.track(t, tables.rows(t.id()), optimizer);
        }
    }

    void tableCreated(TableRef t) {
        if (taking()) {
            track(t);
        }
    }

    void tableDropped(int tableId) {
        shadows.forget(tableId);
    }

    /** Rows were loaded with {@code stored} (between clocks): an optimizer table's shadow takes them too. */
    void rowsPut(int tableId, int[] rows, RowValues[] stored) {
        for (int i = 0; i < rows.length; i++) {
            shadows.put(tableId, rows[i], stored[i]);
        }
    }

    /** Update {@code u} of clock {@code clock} was applied and changed its row by {@code change}. */
    void applied(int clock, RowUpdate u, RowValues change) {
        boolean shadowed = shadows.tracks(u.tableId());
        if (clock >= next) {
            // What a later image leaves out: the change, to subtract; for a shadowed table, the gradient, to replay
            // into the shadow once the boundary has passed.
            ahead.computeIfAbsent(clock, c -> new ArrayList<>())
                    .add(new RowUpdate(u.tableId(), u.row(), shadowed ? u.delta().copy() : change.copy()));
        } else if (shadowed) {
            shadows.apply(u);
        }
    }

    /** The run's minimum clock is now {@code min}: the images of the boundaries it reached. */
    List<CheckpointImage> minimumReached(int min) {
        List<CheckpointImage> images = new ArrayList<>();
        while (min >= next) {
            images.add(imageAt(next));
            next += interval;
            shadows.replay(ahead.headMap(next).values());
            ahead.headMap(next).clear();
        }
        if (taking() && next > finishedFloor) {
            stop(); // a worker finished below the new boundary: see workerFinished
        }
        return images;
    }

    /** A worker finished at {@code clock}: the minimum stays below it for good. */
    void workerFinished(int clock) {
        finishedFloor = Math.min(finishedFloor, clock);
        if (taking() && next > finishedFloor) {
            // No image will be taken in this run, so keeping the faster workers' updates aside would only grow.
            stop();
        }
    }

    /**
     * An image of every table at {@code boundary}: the rows as stored, minus what was kept aside for clocks at or
     * past it. (An optimizer table without a shadow comes here only while no images are taken, for the image of a
     * run's start: nothing is kept aside then.)
     */
    CheckpointImage imageAt(int boundary) {
        List<CheckpointImage.TableImage> images = new ArrayList<>();
        for (TableRef t : tables.all()) {
            if (shadows.tracks(t.id())) {
                images.add(image(t, shadows.rowCopies(t.id()), shadows.optimizerCopy(t.id())));
                continue;
            }
            StoredRows copies = tables.rows(t.id()).copy();
            for (List<RowUpdate> later : ahead.tailMap(boundary).values()) {
                for (RowUpdate u : later) {
                    if (u.tableId() == t.id()) {
                        RowValues minus = u.delta().copy();
                        minus.scale(-1);
                        copies.add(u.row(), minus);
                    }
                }
            }
            OptimizerState optimizer = tables.optimizer(t.id());
            images.add(image(t, copies, optimizer == null ? null : optimizer.copy()));
        }
        images.sort(Comparator.comparingInt(i -> i.table().id()));
        return new CheckpointImage(boundary, tables.shardIndex(), tables.numShards(), images);
    }

    /** The image of one table from {@code copies}, which it takes over. */
    private static CheckpointImage.TableImage image(TableRef t, StoredRows copies, OptimizerState optimizer) {
        int[] ids = copies.ids(0, t.spec().rows());
        RowValues[] values = new RowValues[ids.length];
        for (int i = 0; i < ids.length; i++) {
            values[i] = copies.get(ids[i]);
        }
        return new CheckpointImage.TableImage(t, ids, values, optimizer);
    }
}
