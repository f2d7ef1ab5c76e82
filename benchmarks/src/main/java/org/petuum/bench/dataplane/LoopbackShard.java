package org.petuum.bench.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.DropTable;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ps.server.ShardServer;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;

/**
 * One real shard server on loopback, without Spark, and the driver's side of it: what the driver does before a run
 * (create tables, load rows, begin the run), sent as protocol messages by a coordinator client of its own. Clients
 * for the benchmark's workers come from {@link #newClient}; each has its own connection to the shard.
 *
 * <p>Used by one thread, the benchmark's; {@link #close()} stops the clients it made and the server.
 */
final class LoopbackShard implements AutoCloseable {
    /** Generous: a benchmark on a busy machine is slow, not broken. */
    static final long WAIT_MS = 120_000;

    private final PsConf conf;
    private final ShardServer server;
    private final ShardAddress address;
    private final PsClient coordinator;
    private final List<PsClient> clients = new ArrayList<>();
    private long nextRunId = 1;

    LoopbackShard(int ioThreads) {
        this.conf = PsConf.from(Map.of(
                PsConf.IO_THREADS, Integer.toString(ioThreads),
                PsConf.READ_TIMEOUT, WAIT_MS + "ms",
                PsConf.REQUEST_TIMEOUT, WAIT_MS + "ms",
                PsConf.IDLE_TIMEOUT, "1h"));
        try {
            this.server = ShardServer.start("bench shard", conf, "127.0.0.1");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the shard server", e);
        }
        this.address = new ShardAddress(0, "bench", "127.0.0.1", server.address().getPort());
        this.coordinator = newClient("coordinator");
    }

    PsConf conf() {
        return conf;
    }

    /** The shard's time spent applying updates so far ({@code shard.applyNanos}). */
    long applyNanos() {
        return server.metrics().applyNanos.getCount();
    }

    ShardAddress address() {
        return address;
    }

    /** A new client with its own event loops and its own connection to the shard, opened (and greeted) now. */
    PsClient newClient(String name) {
        PsClient c = new PsClient(name, conf);
        clients.add(c);
        c.connection(address);
        return c;
    }

    void createTable(TableRef table) {
        call(seq -> new CreateTable(seq, table.id(), table.spec(), 0, 1));
    }

    void dropTable(int tableId) {
        call(seq -> new DropTable(seq, tableId));
    }

    void putRows(int tableId, int[] rows, RowValues[] values) {
        call(seq -> new PutRows(seq, tableId, rows, values));
    }

    /** Begins a new run of {@code workers} workers at clock 0 and returns its plan (for {@code PsWorker}s). */
    RunPlan beginRun(int workers, List<TableRef> tables) {
        long runId = nextRunId++;
        call(seq -> new BeginRun(seq, runId, workers, 0, 1));
        return new RunPlan("bench", runId, workers, List.of(address), tables, conf);
    }

    /** Sends one request from the coordinator and waits for its answer, which must be an {@link Ack}. */
    private void call(LongFunction<Message> request) {
        Message m = PsClient.await(coordinator.connection(address).send(request).answer(), WAIT_MS,
                address::toString);
        if (!(m instanceof Ack)) {
            throw new IllegalStateException(address + " answered " + m + " (expected: ACK)");
        }
    }

    @Override
    public void close() {
        clients.forEach(PsClient::close);
        server.close();
    }
}
