package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ps.server.ShardServer;
import org.petuum.ssp.TableRef;

/**
 * Shard servers on loopback and what the driver would do with them, without Spark: create tables and begin a run
 * through a coordinator client, read tables back, and run workers on threads. Closes every server and client it
 * made. Used by one test thread.
 */
final class LoopbackShards implements AutoCloseable {
    static final long WAIT_MS = 20_000;
    /** The settings the loopback tests share: one I/O thread per server, 20 s request and read timeouts. */
    static final PsConf TEST_CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.REQUEST_TIMEOUT, "20s",
            PsConf.READ_TIMEOUT, "20s"));

    private final List<ShardServer> servers = new ArrayList<>();
    private final List<ShardAddress> shards = new ArrayList<>();
    private final List<PsClient> clients = Collections.synchronizedList(new ArrayList<>());
    private final PsClient coordinator;

    /** {@code count} shard servers with {@code conf}, their deadlines and budgets on {@code serverClock}. */
    LoopbackShards(int count, PsConf conf, LongSupplier serverClock) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            ShardServer s = ShardServer.start("shard " + i, conf, "127.0.0.1", serverClock);
            servers.add(s);
            shards.add(new ShardAddress(i, "exec-" + i, "127.0.0.1", s.address().getPort()));
        }
        coordinator = client("coordinator", conf);
    }

    LoopbackShards(int count, PsConf conf) throws InterruptedException {
        this(count, conf, System::nanoTime);
    }

    List<ShardServer> servers() {
        return servers;
    }

    List<ShardAddress> shards() {
        return shards;
    }

    /** A client (a process) that is closed with the shards. */
    PsClient client(String name, PsConf conf) {
        return client(name, conf, System::nanoTime);
    }

    PsClient client(String name, PsConf conf, LongSupplier clock) {
        PsClient c = new PsClient(name, conf, PsSecurity.none(), clock);
        clients.add(c);
        return c;
    }

    /** What the driver does before a run: creates the tables on every shard and starts the run there. */
    RunPlan beginRun(long runId, int workers, PsConf conf, List<TableRef> tables) {
        for (ShardAddress shard : shards) {
            for (TableRef t : tables) {
                call(shard, seq -> new CreateTable(seq, t.id(), t.spec(), shard.index(), shards.size()));
            }
            call(shard, seq -> new BeginRun(seq, runId, workers, shard.index(), shards.size()));
        }
        return new RunPlan("test", runId, workers, shards, tables, conf);
    }

    /** Every shard's rows of a table, one answer per shard, in shard order. */
    List<Rows> readBack(TableRef t) {
        List<Rows> out = new ArrayList<>();
        for (ShardAddress shard : shards) {
            out.add(assertInstanceOf(Rows.class, call(shard, seq -> new ReadRange(seq, t.id(), 0, t.spec().rows()))));
        }
        return out;
    }

    /** A table as dense arrays, untouched rows zero. */
    double[][] readDense(TableRef t) {
        double[][] out = new double[t.spec().rows()][t.spec().cols()];
        for (Rows rows : readBack(t)) {
            for (int i = 0; i < rows.snapshot().size(); i++) {
                out[rows.snapshot().rows()[i]] = rows.snapshot().values()[i].toArray();
            }
        }
        return out;
    }

    /** Sends a request from the coordinator and returns its answer, which must be an ack or rows. */
    Message call(ShardAddress shard, LongFunction<Message> request) {
        Message m = PsClient.await(coordinator.connection(shard).send(request).answer(), WAIT_MS, shard::toString);
        if (!(m instanceof Ack) && !(m instanceof Rows)) {
            throw new AssertionError(shard + " answered " + m);
        }
        return m;
    }

    /** One worker's body: its id in, any failure out. */
    interface WorkerBody {
        void run(int worker) throws Exception;
    }

    /** Runs workers {@code 0..workers-1} on {@code threads} and rethrows the first failure. */
    static void runWorkers(ExecutorService threads, int workers, WorkerBody body) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int id = w;
            done.add(threads.submit(() -> {
                body.run(id);
                return null;
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Future<?> f : done) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw (Exception) e.getCause();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("workers still running after 60 s", e);
            }
        }
    }

    /** Stops {@code workerThreads} (waiting at most {@link #WAIT_MS} for them), then closes the shards. */
    void closeAfter(ExecutorService workerThreads) throws InterruptedException {
        workerThreads.shutdownNow();
        boolean stopped = workerThreads.awaitTermination(WAIT_MS, TimeUnit.MILLISECONDS);
        close();
        if (!stopped) {
            throw new AssertionError("worker threads did not stop within " + WAIT_MS + " ms");
        }
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(PsClient::close);
        }
        servers.forEach(ShardServer::close);
    }
}
