package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsTable;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.PsWorker;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * A worker whose shard does not acknowledge its clocks stops at the bound on unacknowledged flush bytes, instead
 * of queueing every clock in memory: its {@code clock()} waits for the oldest flush, and, as that never comes, fails
 * naming the shard and the clock. The shard is a plain socket that completes the handshake and then only reads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlushBackPressureTest {
    private static final long RUN = 3;
    private static final long WAIT_MS = 20_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "1s",
            PsConf.READ_TIMEOUT, "1s",
            PsConf.IDLE_TIMEOUT, "1min"));
    /** 8 rows of 65,536 doubles: each clock's flush carries 4 MiB, so the fourth goes over the 16 MiB bound. */
    private static final TableRef TABLE = new TableRef(0, TableSpec.dense("weights", 8, 65_536));

    @Test
    void clockWaitsForTheOldestFlushOnceTooManyBytesAreUnacknowledged() throws Exception {
        assertEquals(16L << 20, PsWorker.MAX_UNACKED_FLUSH_BYTES, "the bound this test is sized for");
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             PsClient client = new PsClient("client", CONF, PsSecurity.none())) {
            ShardAddress address = new ShardAddress(0, "exec-0", "127.0.0.1", listener.getLocalPort());
            RunPlan plan = new RunPlan("test", RUN, 1, List.of(address), List.of(TABLE), CONF);
            CompletableFuture<Integer> worker = CompletableFuture.supplyAsync(() -> {
                PsWorker w = new PsWorker(client, plan, 0);
                try {
                    PsTable t = w.table("weights");
                    double[] delta = new double[TABLE.spec().cols()];
                    delta[0] = 1;
                    for (int c = 0; c < 10; c++) {
                        for (int r = 0; r < TABLE.spec().rows(); r++) {
                            t.inc(r, delta);
                        }
                        w.clock();
                    }
                    return w.currentClock();
                } catch (PsTimeoutException e) {
                    assertEquals(4, w.currentClock(), "the clock that went over the bound was completed");
                    throw e;
                } finally {
                    w.abandon();
                }
            });
            try (RawPeer shard = RawPeer.accepted(listener.accept())) {
                shard.greet("silent shard");
                for (int c = 0; c < 4; c++) {
                    Flush f = assertInstanceOf(Flush.class, shard.receive());
                    assertEquals(c, f.clock());
                    assertEquals(TABLE.spec().rows(), f.updates().size());
                }
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> worker.get(WAIT_MS, TimeUnit.MILLISECONDS));
                PsTimeoutException e = assertInstanceOf(PsTimeoutException.class, failed.getCause());
                assertTrue(e.getMessage().contains(address + " acknowledging the flush of clock 0 of worker 0"),
                        e.getMessage());
            }
        }
    }
}
