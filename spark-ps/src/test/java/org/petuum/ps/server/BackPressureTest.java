package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.TableSpec;

/**
 * A peer that sends requests and never reads the answers: the shard stops reading its requests once its unread
 * answers fill the connection's outgoing buffer, instead of answering (and buffering) all of them, and serves the
 * rest, none lost, once the peer reads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackPressureTest {
    private static final long RUN = 2;
    private static final int REQUESTS = 2_000;
    /** 8,000 doubles: every answer is a 64 KB frame, 128 MB for all of them. */
    private static final int COLS = 8_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "10s",
            PsConf.READ_TIMEOUT, "10s"));

    private ShardServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shardStopsReadingFromAPeerThatDoesNotReadItsAnswersAndResumesWhenItDoes() throws Exception {
        server = ShardServer.start("shard", CONF, "127.0.0.1");
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.greet();
            peer.send(new CreateTable(2, 0, TableSpec.dense("wide", 1, COLS), 0, 1), new BeginRun(3, RUN, 1, 0, 1));
            assertInstanceOf(Ack.class, peer.receive());
            assertInstanceOf(Ack.class, peer.receive());
            double[] row = new double[COLS];
            Arrays.fill(row, 0.25);
            peer.send(new Flush(4, RUN, 0, 0, List.of(new RowUpdate(0, 0, DenseRow.wrap(row)))));
            assertInstanceOf(Ack.class, peer.receive());
            long before = server.metrics().requestsIn.getCount();

            Message[] reads = new Message[REQUESTS];
            for (int i = 0; i < REQUESTS; i++) {
                reads[i] = new GetRows(10 + i, 0, 1, 0, 1, 10_000, new int[] {0});
            }
            // Sent on another thread: should the socket buffers fill, the write waits for the shard to read.
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    peer.send(reads);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            awaitCondition(() -> server.metrics().connectionsPaused.getCount() == 1, "the shard to stop reading");
            long handled = server.metrics().requestsIn.getCount() - before;
            assertTrue(handled < REQUESTS / 2, "the shard read " + handled + " of " + REQUESTS
                    + " requests whose answers were not read");

            for (int i = 0; i < REQUESTS; i++) {
                Rows answer = assertInstanceOf(Rows.class, peer.receive());
                assertEquals(10 + i, answer.requestId());
                assertEquals(0.25, answer.snapshot().values()[0].get(COLS - 1));
            }
            sent.get(10, TimeUnit.SECONDS);
            awaitCondition(() -> server.metrics().connectionsPaused.getCount() == 0, "the shard to read again");
            assertEquals(REQUESTS, server.metrics().requestsIn.getCount() - before);
        }
    }

    private void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited 20 s for " + what + "; the shard has read "
                        + server.metrics().requestsIn.getCount() + " requests");
            }
            Thread.sleep(2);
        }
    }
}
