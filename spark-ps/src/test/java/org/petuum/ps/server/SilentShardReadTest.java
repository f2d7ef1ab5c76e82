package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.PsWorker;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.internal.RunPlan;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * A large read goes out as several requests at once, and when its shard answers none of them the read fails after
 * its bound, naming the shard, the table, the worker and its clock. The shard is a plain socket that completes the
 * handshake and then only reads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SilentShardReadTest {
    private static final long WAIT_MS = 20_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "500ms",
            PsConf.READ_TIMEOUT, "500ms",
            PsConf.IDLE_TIMEOUT, "1min"));
    /** 256 rows of 16,000 doubles (125 KiB): 8 rows to a request of about a megabyte, 32 requests. */
    private static final TableRef TABLE = new TableRef(0, TableSpec.dense("weights", 256, 16_000));

    @Test
    void aReadWhoseRequestsGoUnansweredFailsNamingItsShard() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             PsClient client = new PsClient("client", CONF, PsSecurity.none())) {
            ShardAddress address = new ShardAddress(0, "exec-0", "127.0.0.1", listener.getLocalPort());
            RunPlan plan = new RunPlan("test", 4, 1, List.of(address), List.of(TABLE), CONF);
            int[] all = IntStream.range(0, TABLE.spec().rows()).toArray();
            CompletableFuture<double[][]> read = CompletableFuture.supplyAsync(() -> {
                PsWorker w = new PsWorker(client, plan, 0);
                try {
                    return w.table("weights").get(all);
                } finally {
                    w.abandon();
                }
            });
            try (RawPeer shard = RawPeer.accepted(listener.accept())) {
                shard.greet("silent shard");
                for (int i = 0; i < 32; i++) {
                    GetRows g = assertInstanceOf(GetRows.class, shard.receive(), "request " + i);
                    assertArrayEquals(IntStream.range(8 * i, 8 * i + 8).toArray(), g.rows(), "request " + i);
                    assertEquals(0, g.minVersion());
                }
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> read.get(WAIT_MS, TimeUnit.MILLISECONDS));
                PsTimeoutException e = assertInstanceOf(PsTimeoutException.class, failed.getCause());
                assertEquals("no answer from " + address + " for table 'weights' (worker 0 at clock 0) within 1000 ms",
                        e.getMessage());
            }
        }
    }
}
