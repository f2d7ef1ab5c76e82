package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.protocol.Update;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableSpec;

/**
 * {@code shard.applyNanos} counts the time a shard spends applying flushes and early updates, and nothing else: it
 * stays at zero through table creation and reads, grows with each flush or early update, and never by more than the
 * wall time the sender waited for the acknowledgement.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApplyTimeMetricTest {
    private static final long RUN = 5;
    private static final int ROWS = 2_000;
    private static final int COLS = 1_000;
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
    void applyTimeGrowsWithFlushesAndEarlyUpdatesOnlyAndStaysWithinTheWaitForThem() throws Exception {
        server = ShardServer.start("shard", CONF, "127.0.0.1");
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.greet();
            peer.send(new CreateTable(2, 0, TableSpec.sparse("counts", ROWS, COLS), 0, 1),
                    new BeginRun(3, RUN, 1, 0, 1));
            assertInstanceOf(Ack.class, peer.receive());
            assertInstanceOf(Ack.class, peer.receive());
            peer.send(new GetRows(4, 0, 0, 0, 0, 10_000, new int[] {0, 1, 2}));
            assertInstanceOf(Rows.class, peer.receive());
            assertEquals(0, applied(), "no update applied yet");

            SplittableRandom rng = new SplittableRandom(4);
            long waited = 0;
            long before = 0;
            for (int clock = 0; clock < 3; clock++) {
                // An early update, then the clock's flush: each must add to the time.
                for (boolean flush : new boolean[] {false, true}) {
                    long start = System.nanoTime();
                    peer.send(flush ? new Flush(20 + clock, RUN, 0, clock, updates(rng))
                            : new Update(10 + clock, RUN, 0, clock, updates(rng)));
                    Ack ack = assertInstanceOf(Ack.class, peer.receive());
                    waited += System.nanoTime() - start;
                    assertTrue(ack.applied());
                    long now = applied();
                    String what = (flush ? "flush" : "early update") + " of clock " + clock;
                    assertTrue(now > before, what + ": " + now + " ns after " + before);
                    assertTrue(now <= waited, what + ": " + now + " ns applying within " + waited
                            + " ns of waiting for it");
                    before = now;
                }
            }
            peer.send(new GetRows(30, 0, 0, 0, 3, 10_000, new int[] {0, 1, 2}));
            assertInstanceOf(Rows.class, peer.receive());
            assertEquals(before, applied(), "a read applies nothing");
        }
    }

    private long applied() {
        return server.metrics().applyNanos.getCount();
    }

    /** A sparse update of every row, 50 random cells each: 100,000 cells. */
    private static List<RowUpdate> updates(SplittableRandom rng) {
        List<RowUpdate> updates = new ArrayList<>(ROWS);
        for (int r = 0; r < ROWS; r++) {
            int[] columns = rng.ints(50, 0, COLS).toArray();
            double[] values = rng.doubles(50).toArray();
            updates.add(new RowUpdate(0, r, SparseRow.of(COLS, columns, values)));
        }
        return updates;
    }
}
