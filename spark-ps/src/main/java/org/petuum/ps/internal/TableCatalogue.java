package org.petuum.ps.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.DropTable;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * The table catalogue on the driver: each table's name, id and spec, and the administrative requests on tables
 * (create, drop, read, write). It also tracks which tables could get back the rows of a lost shard: those whose
 * rows are what the last {@link TablesImage} holds, and those that hold no row yet; any other table whose shard is
 * lost is dropped and remembered as lost, so that naming it fails with the reason.
 *
 * <p>Not thread-safe: confined to the {@link DriverRuntime}'s monitor.
 */
final class TableCatalogue {
    private static final Logger LOG = LogManager.getLogger(TableCatalogue.class);

    private final PsConf conf;
    private final ShardLayout layout;
    private final Supplier<PsClient> admin;
    private final Map<String, TableRef> tables = new LinkedHashMap<>();
    /** Tables dropped because their rows on a lost shard could not come back: why, by name. */
    private final Map<String, String> lost = new LinkedHashMap<>();
    /** Ids of the tables whose rows a replacement shard can get back: as in the last image, or none yet. */
    private final Set<Integer> restorable = new HashSet<>();
    private int nextTableId;

    TableCatalogue(PsConf conf, ShardLayout layout, Supplier<PsClient> admin) {
        this.conf = conf;
        this.layout = layout;
        this.admin = admin;
    }

    /** Creates a table on every shard. @throws IllegalArgumentException if the name is taken */
    TableRef create(TableSpec spec) {
        if (tables.containsKey(spec.name())) {
            throw new IllegalArgumentException("table '" + spec.name() + "' already exists; drop it first");
        }
        Rows.checkFits(spec, conf.maxFrameBytes());
        TableRef ref = new TableRef(nextTableId++, spec);
        int n = layout.size();
        layout.onEveryShard(s -> seq -> new CreateTable(seq, ref.id(), spec, s.index(), n),
                "creating table '" + spec.name() + "'");
        tables.put(spec.name(), ref);
        lost.remove(spec.name());
        restorable.add(ref.id());
        LOG.info("created table {} as id {} on {} shard(s)", spec, ref.id(), n);
        return ref;
    }

    /** Drops a table from every shard (or forgets a lost one); a name never created is an error naming it. */
    void drop(String name) {
        if (!tables.containsKey(name) && lost.remove(name) != null) {
            return; // its remains were dropped when its rows were lost
        }
        TableRef ref = get(name);
        layout.onEveryShard(s -> seq -> new DropTable(seq, ref.id()), "dropping table '" + name + "'");
        tables.remove(name);
        restorable.remove(ref.id());
    }

    /**
     * The table of this name.
     *
     * @throws PsException              if its rows were lost with an executor, saying so
     * @throws IllegalArgumentException if there is no such table
     */
    TableRef get(String name) {
        TableRef t = tables.get(name);
        if (t != null) {
            return t;
        }
        String why = lost.get(name);
        if (why != null) {
            throw new PsException(why, false);
        }
        throw new IllegalArgumentException("no table '" + name + "' (tables: " + tables.keySet() + ")");
    }

    /** The tables that exist, in creation order. */
    List<TableRef> all() {
        return List.copyOf(tables.values());
    }

    /** Every row of a table as the shards hold it now (see {@link TableTransfer#readAll}). */
    RowValues[] read(String name) {
        return TableTransfer.readAll(admin.get(), layout.current(), conf, get(name));
    }

    /** Sets rows of a table: from now on, a lost shard's rows of it cannot come back from the last image. */
    void write(String name, int[] rows, RowValues[] values) {
        TableRef t = get(name);
        restorable.remove(t.id());
        TableTransfer.write(admin.get(), layout.current(), conf, t, rows, values);
    }

    /** A run starts: its workers may change any table, so none is as the last image holds it any more. */
    void runStarted() {
        restorable.clear();
    }

    /** An image of every table now was written: each table's rows can come back from it. */
    void imaged() {
        for (TableRef t : tables.values()) {
            restorable.add(t.id());
        }
    }

    /**
     * Creates, on the shard server that took over lost index {@code next.index()}, every table that exists, and
     * the tables of {@code image} that were dropped since (a restore needs every table the image holds), which
     * {@link #dropAfterRestore} drops again.
     */
    void createOn(ShardAddress next, TablesImage.Image image) {
        Map<Integer, TableRef> all = new TreeMap<>();
        for (TableRef t : tables.values()) {
            all.put(t.id(), t);
        }
        if (image != null) {
            for (TableRef t : image.tables()) {
                all.putIfAbsent(t.id(), t);
            }
        }
        int n = layout.size();
        List<ShardConnection.Pending> acks = new ArrayList<>();
        for (TableRef t : all.values()) {
            acks.add(admin.get().connection(next).send(seq -> new CreateTable(seq, t.id(), t.spec(), next.index(), n)));
        }
        for (ShardConnection.Pending p : acks) {
            layout.await(next, p, "creating tables on the shard that took over");
        }
    }

    /** Drops from {@code next} the tables of {@code image} that no longer exist (created only to restore it). */
    void dropAfterRestore(ShardAddress next, TablesImage.Image image) {
        for (TableRef t : image.tables()) {
            if (!tables.containsValue(t)) {
                layout.await(next, admin.get().connection(next).send(seq -> new DropTable(seq, t.id())),
                        "dropping table id " + t.id() + " restored with its image");
            }
        }
    }

    /** The last image could not be restored: the tables it held are no longer restorable. */
    void imageUnusable(TablesImage.Image image) {
        for (TableRef t : image.tables()) {
            restorable.remove(t.id());
        }
    }

    /**
     * Drops every table whose rows on the lost shard cannot come back, on every shard, and remembers each as lost
     * with {@code why} (a sentence naming the shard, the executor and the cause).
     *
     * @return the names of the tables lost
     */
    List<String> loseUnrestorable(String why) {
        List<String> names = new ArrayList<>();
        for (TableRef t : List.copyOf(tables.values())) {
            if (restorable.contains(t.id())) {
                continue;
            }
            layout.onEveryShard(s -> seq -> new DropTable(seq, t.id()),
                    "dropping table '" + t.name() + "', whose rows were lost");
            tables.remove(t.name());
            lost.put(t.name(), "table '" + t.name() + "' lost its rows: " + why + "; its other rows were dropped "
                    + "too: drop it and create it again (" + PsConf.CHECKPOINT_ENABLED + "=true keeps an image of "
                    + "every table at the end of each successful run, from which a lost shard comes back)");
            names.add(t.name());
        }
        return names;
    }
}
