package org.petuum.ps;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkEnv;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.internal.ExecutorRuntime;
import org.petuum.ps.internal.Runtimes;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.AwaitClock;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.TableRef;

/**
 * A zombie of a failed attempt: a thread that a worker of the attempt leaves behind (reachable from a static, as a
 * thread leaked by a user's function would be), which wakes up after the failure, once the relaunch has restored
 * the tables and runs, and tries to write with the old attempt's identity. It tries twice:
 * <ol>
 *   <li>through the failed attempt's own {@link PsWorker}: {@code inc} + {@code clock()} and a read, which the
 *       abandoned worker must refuse;</li>
 *   <li>as raw frames on its process's connection to every shard: a {@code FLUSH} with the old run id, of the worker
 *       and clock that the relaunch's worker is about to flush (so that only the run id can tell it apart: the
 *       zombie first waits, with {@code AWAIT_CLOCK}, until the shard has that worker at exactly that clock), and
 *       a {@code GET_ROWS}.</li>
 * </ol>
 * The relaunch's worker waits (bounded) at that clock until the zombie is done. A flush that got through would add
 * {@value #POISON} to every row, which the exact sums catch. What happened is written, one line per attempt, to a
 * file the driver reads ({@link #results}).
 */
final class ZombieFlush {
    private static final Logger LOG = LogManager.getLogger(ZombieFlush.class);
    /** What a zombie's flush adds to a cell: far from any count, so that an applied one cannot go unnoticed. */
    static final double POISON = 1000;
    /** Result lines: a flush that reached a shard and was refused there, and one the shard applied. */
    static final String SHARD_REFUSED = "shard refused the flush: ";
    static final String SHARD_APPLIED = "shard APPLIED the flush";
    static final String CLIENT_REFUSED = "abandoned worker refused: ";

    private static final long WAIT_MS = 60_000;
    /** The zombies of this JVM: kept reachable, as a leaked thread of a user's function is. */
    private static final List<Thread> ZOMBIES = new CopyOnWriteArrayList<>();

    private ZombieFlush() {
    }

    /**
     * What a zombie needs: where the markers are, the table, the shards it will find the relaunch on (the layout
     * stays when no executor was lost) and the id of the attempt it belongs to (its worker's, set by {@link #arm}).
     */
    record Target(String folder, String table, TableRef ref, List<ShardAddress> layout, long oldRunId)
            implements Serializable {
        Target(String folder, String table, TableRef ref, List<ShardAddress> layout) {
            this(folder, table, ref, layout, -1);
        }
    }

    /** Leaves a zombie behind {@code worker}, which belongs to the attempt it is running. Any thread. */
    static void arm(PsWorker worker, Target planned) {
        Target target = new Target(planned.folder(), planned.table(), planned.ref(), planned.layout(), worker.runId());
        Thread t = new Thread(() -> haunt(worker, target), "zombie-of-run-" + target.oldRunId() + "-worker-"
                + worker.id());
        t.setDaemon(true);
        ZOMBIES.add(t);
        t.start();
    }

    /**
     * Called by worker {@code worker} of the relaunch at the start of clock {@code clock}, before its increments:
     * wakes the zombie and waits until it is done.
     *
     * @throws IllegalStateException if the zombie did not finish within a minute
     */
    static void wakeAndAwait(String folder, String table, int worker, int clock) throws Exception {
        write(new File(folder, "wake-" + table), worker + " " + clock);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!isDone(folder, table)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the zombie of " + table + " did not finish within " + WAIT_MS + " ms");
            }
            Thread.sleep(10);
        }
    }

    /** Whether the zombie of {@code table} is done. */
    static boolean isDone(String folder, String table) {
        return new File(folder, "zombie-done-" + table).exists();
    }

    /** What the zombie of {@code table} did, one line per attempt (empty if it has not finished). */
    static List<String> results(String folder, String table) throws IOException {
        Path p = Path.of(folder, "zombie-" + table);
        return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
    }

    private static void haunt(PsWorker old, Target target) {
        List<String> lines = new ArrayList<>();
        try {
            File wake = new File(target.folder(), "wake-" + target.table());
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * WAIT_MS);
            while (!wake.exists()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no relaunch woke the zombie within " + 2 * WAIT_MS + " ms");
                }
                Thread.sleep(10);
            }
            String[] wp = Files.readString(wake.toPath(), StandardCharsets.UTF_8).trim().split(" ");
            int worker = Integer.parseInt(wp[0]);
            int clock = Integer.parseInt(wp[1]);
            throughOldWorker(old, target.table(), worker, lines);
            rawFrames(target, worker, clock, lines);
        } catch (Throwable e) {
            lines.add("zombie failed: " + e);
        } finally {
            try {
                write(new File(target.folder(), "zombie-" + target.table()), String.join("\n", lines));
                new File(target.folder(), "zombie-done-" + target.table()).createNewFile();
            } catch (IOException e) {
                // The relaunch's worker then times out waiting, naming the zombie; the cause goes to the log.
                LOG.error("the zombie of {} cannot report", target.table(), e);
            }
        }
    }

    private static void throughOldWorker(PsWorker old, String table, int worker, List<String> lines) {
        PsTable t = old.table(table);
        try {
            t.inc(0, worker, POISON);
            old.clock();
            lines.add("abandoned worker SENT a clock");
        } catch (IllegalStateException e) {
            lines.add(CLIENT_REFUSED + "clock(): " + e.getMessage());
        }
        try {
            t.get(0);
            lines.add("abandoned worker READ a row");
        } catch (IllegalStateException e) {
            lines.add(CLIENT_REFUSED + "get(): " + e.getMessage());
        }
    }

    /**
     * On every shard: waits until {@code worker} of the active run has completed exactly {@code clock} clocks
     * there (it is paused before flushing clock {@code clock}), then sends that flush with the old run id, and a read.
     */
    private static void rawFrames(Target target, int worker, int clock, List<String> lines) {
        ExecutorRuntime rt = Runtimes.executor(SparkEnv.get());
        PsClient client = rt.client();
        List<ShardAddress> layout = target.layout();
        RowPartitioner partitioner = new RowPartitioner(layout.size());
        int other = worker == 0 ? 1 : 0;
        long timeoutMs = 20_000;
        int tableId = target.ref().id();
        for (ShardAddress s : layout) {
            ShardConnection c = client.connection(s);
            PsClient.await(c.send(seq -> new AwaitClock(seq, true, clock, other, clock, timeoutMs)).answer(),
                    timeoutMs + 5_000, () -> s + " answering the zombie's AWAIT_CLOCK");
            List<RowUpdate> poison = new ArrayList<>();
            List<Integer> owned = new ArrayList<>();
            for (int r = 0; r < target.ref().spec().rows(); r++) {
                if (partitioner.owns(s.index(), r)) {
                    DenseRow delta = new DenseRow(target.ref().spec().cols());
                    delta.add(worker, POISON);
                    poison.add(new RowUpdate(tableId, r, delta));
                    owned.add(r);
                }
            }
            try {
                Message m = PsClient.await(c.send(seq -> new Flush(seq, target.oldRunId(), worker, clock, poison))
                        .answer(), timeoutMs, () -> s + " answering the zombie's FLUSH");
                lines.add(m instanceof Ack a && !a.applied() ? "shard " + s.index() + " dropped the flush"
                        : SHARD_APPLIED + " on shard " + s.index() + ": " + m);
            } catch (PsException e) {
                lines.add(SHARD_REFUSED + e.getMessage());
            }
            int[] rows = owned.stream().mapToInt(Integer::intValue).toArray();
            try {
                Message m = PsClient.await(c.send(seq -> new GetRows(seq, tableId, 0, worker, clock, timeoutMs, rows))
                        .answer(), timeoutMs, () -> s + " answering the zombie's GET_ROWS");
                lines.add("shard " + s.index() + " answered the read (GET_ROWS carries no run id): version "
                        + ((Rows) m).snapshot().version());
            } catch (PsException e) {
                lines.add("shard " + s.index() + " refused the read: " + e.getMessage());
            }
        }
    }

    private static void write(File f, String text) throws IOException {
        Path tmp = Path.of(f.getPath() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, f.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
