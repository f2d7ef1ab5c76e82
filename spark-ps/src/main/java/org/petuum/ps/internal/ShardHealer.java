package org.petuum.ps.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.metrics.DriverMetrics;

/**
 * Gives the index of every shard whose executor is gone to a newly registered executor, and fills the new shard:
 * between runs with every table and the rows of the last {@link TablesImage} (tables changed since are dropped and
 * named as lost), during a run's recovery with every table alone (the run's checkpoint restores the rows). Waits for
 * replacements at most {@code spark.petuum.registrationTimeout} in all. Each replacement's time to heal is logged
 * and recorded in {@code driver.healMillis}.
 *
 * <p>Not thread-safe: confined to the {@link DriverRuntime}'s monitor.
 */
final class ShardHealer {
    private static final Logger LOG = LogManager.getLogger(ShardHealer.class);

    private final PsConf conf;
    private final ShardLayout layout;
    private final TableCatalogue catalogue;
    private final TablesImage images;
    private final Supplier<DriverMetrics> metrics;

    ShardHealer(PsConf conf, ShardLayout layout, TableCatalogue catalogue, TablesImage images,
                Supplier<DriverMetrics> metrics) {
        this.conf = conf;
        this.layout = layout;
        this.catalogue = catalogue;
        this.images = images;
        this.metrics = metrics;
    }

    /**
     * Between runs: replaces every shard that is gone, restoring what the last image holds on its replacement.
     * Tables whose rows on a lost shard cannot come back are dropped and remembered as lost (naming one then fails,
     * saying why); every other table, and tables created later, work as before.
     *
     * @return whether a shard was replaced
     * @throws PsTimeoutException if no executor took over a lost index in time (the next call tries
     *                                          again)
     */
    boolean healBetweenRuns() {
        List<ShardAddress> gone = layout.gone();
        if (gone.isEmpty()) {
            return false;
        }
        // Every lost index gets its executor first, so that dropping lost tables below reaches live shards only.
        long start = System.nanoTime();
        long deadline = start + conf.registrationTimeoutMs() * 1_000_000L;
        List<ShardAddress> replacements = new ArrayList<>();
        for (ShardAddress lost : gone) {
            replacements.add(layout.replace(lost, deadline));
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        TablesImage.Image image = images.last();
        String restoreFailure = null;
        for (ShardAddress next : replacements) {
            catalogue.createOn(next, image);
            if (image != null && !image.tables().isEmpty()) {
                try {
                    images.restoreOn(next);
                } catch (PsException e) {
                    restoreFailure = e.getMessage();
                    catalogue.imageUnusable(image);
                }
                catalogue.dropAfterRestore(next, image);
            }
        }
        String why = why(gone, image, restoreFailure);
        List<String> lostTables = catalogue.loseUnrestorable(why);
        long millis = (System.nanoTime() - start) / 1_000_000;
        DriverMetrics m = metrics.get();
        for (int i = 0; i < gone.size(); i++) {
            m.shardsReplaced.inc();
            m.healMillis.update(millis);
        }
        if (lostTables.isEmpty()) {
            LOG.warn("{} back on executor(s) {} after {} ms ({} ms waiting for them to register){}", names(gone),
                    executors(replacements), millis, waited,
                    image == null ? "; no table held rows" : "; rows restored from " + image.runDir());
        } else {
            LOG.error("{} back on executor(s) {} after {} ms ({} ms waiting for them to register), but tables {} lost "
                    + "their rows and were dropped: {}", names(gone), executors(replacements), millis, waited,
                    lostTables, why);
        }
        return true;
    }

    /**
     * During a run's recovery: replaces every shard that is gone and creates every table on its replacement; the
     * rows come from the run's checkpoint, which the recovery restores on every shard.
     */
    void replaceForRecovery() {
        long deadline = System.nanoTime() + conf.registrationTimeoutMs() * 1_000_000L;
        for (ShardAddress lost : layout.gone()) {
            long start = System.nanoTime();
            ShardAddress next = layout.replace(lost, deadline);
            catalogue.createOn(next, null);
            LOG.warn("shard {} is on executor {} after {} ms; the run's checkpoint restores its rows", lost.index(),
                    next.executorId(), healed(start));
        }
    }

    private long healed(long start) {
        long millis = (System.nanoTime() - start) / 1_000_000;
        DriverMetrics m = metrics.get();
        m.shardsReplaced.inc();
        m.healMillis.update(millis);
        return millis;
    }

    /** Why the tables changed since the last image lost their rows on the indexes of {@code gone}. */
    private String why(List<ShardAddress> gone, TablesImage.Image image, String restoreFailure) {
        StringBuilder where = new StringBuilder();
        for (ShardAddress lost : gone) {
            where.append(where.length() == 0 ? "" : "; ").append("shard ").append(lost.index())
                    .append(" was served by executor ").append(lost.executorId()).append(" (").append(lost.host())
                    .append(':').append(lost.port()).append("), which was lost between runs");
        }
        where.append(", and ");
        if (!conf.checkpointEnabled()) {
            return where + "checkpoints are off (" + PsConf.CHECKPOINT_ENABLED + "=false), so no image holds its rows";
        }
        if (restoreFailure != null) {
            return where + "the last image of the tables could not be restored: " + restoreFailure;
        }
        if (image == null) {
            return where + "no image of the tables was written yet (one is written at the end of each successful run)";
        }
        return where + "the table changed after the last image of the tables, written at the end of the last "
                + "successful run (by a write, a run that failed, a run without checkpoints, or a table created "
                + "and filled since)";
    }

    private static String names(List<ShardAddress> shards) {
        StringBuilder out = new StringBuilder(shards.size() == 1 ? "shard" : "shards");
        for (int i = 0; i < shards.size(); i++) {
            out.append(i == 0 ? " " : ", ").append(shards.get(i).index());
        }
        return out.append(shards.size() == 1 ? " is" : " are").toString();
    }

    private static List<String> executors(List<ShardAddress> shards) {
        List<String> out = new ArrayList<>();
        for (ShardAddress s : shards) {
            out.add(s.executorId());
        }
        return out;
    }
}
