package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableSpec;

/**
 * What one small write can make a shard hold: a dense table is refused at CREATE_TABLE when its rows could not fit
 * a frame (one cell written would otherwise allocate the whole row), and a one-cell write to a wide sparse table
 * stores one cell.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TableLimitsTest {
    private static final long RUN = 5;
    private static final long WAIT_MS = 10_000;
    private static final int FRAME = 64 * 1024;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, String.valueOf(FRAME),
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "10s",
            PsConf.READ_TIMEOUT, "10s"));

    private final MetricRegistry registry = new MetricRegistry();
    private ShardServer server;
    private PsClient client;
    private ShardAddress address;

    @BeforeEach
    void start() throws InterruptedException {
        server = ShardServer.start("shard", CONF, "127.0.0.1", PsSecurity.none(), registry);
        address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
        client = new PsClient("test client", CONF);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void denseTableWhoseRowsCannotFitAFrameIsRefusedAndNothingIsHeld() {
        int max = Rows.maxDenseCols(FRAME);
        assertEquals((FRAME - Rows.FRAME_OVERHEAD - 9) / 8, max);

        PsException e = assertThrows(PsException.class,
                () -> call(seq -> new CreateTable(seq, 0, TableSpec.dense("huge", 1 << 20, max + 1), 0, 1)));
        assertMentions(e.getMessage(), "table 'huge'", (max + 1) + " columns", "[1, " + max + "]",
                PsConf.MAX_FRAME_BYTES);
        assertFalse(e.retriable());

        // A one-cell write to the widest dense table allowed holds one row of that width, and it can be read.
        call(seq -> new CreateTable(seq, 0, TableSpec.dense("widest", 1 << 20, max), 0, 1));
        call(seq -> new BeginRun(seq, RUN, 1, 0, 1));
        RowValues cell = SparseRow.of(max, new int[] {max - 1}, new double[] {2.5});
        call(seq -> new Flush(seq, RUN, 0, 0, List.of(new RowUpdate(0, 12345, cell))));
        Rows read = assertInstanceOf(Rows.class, call(seq -> new GetRows(seq, 0, 1, 0, 1, WAIT_MS, new int[] {12345})));
        assertEquals(2.5, read.snapshot().values()[0].get(max - 1));
        // The shard's estimate: 8 bytes a dense cell plus a row's own overhead (measured by bin/bench memory).
        long held = gauge("shard.bytesHeld");
        assertTrue(held >= 8L * max && held <= 8L * max + 256, held + " bytes held");
    }

    @Test
    void oneCellWritesToAWideSparseTableStoreOneCellEach() {
        call(seq -> new CreateTable(seq, 0, TableSpec.sparse("wide", Integer.MAX_VALUE, Integer.MAX_VALUE), 0, 1));
        call(seq -> new BeginRun(seq, RUN, 1, 0, 1));
        RowValues cell = SparseRow.of(Integer.MAX_VALUE, new int[] {Integer.MAX_VALUE - 1}, new double[] {1});

        call(seq -> new Flush(seq, RUN, 0, 0, List.of(new RowUpdate(0, Integer.MAX_VALUE - 1, cell))));
        call(seq -> new PutRows(seq, 0, new int[] {7}, new RowValues[] {cell}));

        assertEquals(2L, gauge("shard.cellsHeld"));
        // Two rows of one cell each: a sparse cell's 12 bytes plus a row's overhead each, nothing near the width.
        assertTrue(gauge("shard.bytesHeld") <= 2 * (12 + 128), gauge("shard.bytesHeld") + " bytes held");
    }

    @Test
    void writeOfAnotherWidthThanTheTableIsRefusedNamingTableRowAndWidth() {
        call(seq -> new CreateTable(seq, 0, TableSpec.dense("w", 10, 4), 0, 1));
        call(seq -> new BeginRun(seq, RUN, 1, 0, 1));
        RowValues wider = SparseRow.of(1 << 24, new int[] {(1 << 24) - 1}, new double[] {1});

        PsException e = assertThrows(PsException.class,
                () -> call(seq -> new Flush(seq, RUN, 0, 0, List.of(new RowUpdate(0, 3, wider)))));

        assertMentions(e.getMessage(), "table 'w' row 3", String.valueOf(1 << 24), "expected 4");
        assertEquals(0L, gauge("shard.cellsHeld"));
    }

    private long gauge(String name) {
        return (Long) ((Gauge<?>) registry.getGauges().get(name)).getValue();
    }

    private Message call(LongFunction<Message> request) {
        Message m = PsClient.await(client.connection(address).send(request).answer(), WAIT_MS, () -> "the shard");
        if (!(m instanceof Ack) && !(m instanceof Rows)) {
            throw new AssertionError("answered " + m);
        }
        return m;
    }

    private static void assertMentions(String message, String... facts) {
        for (String fact : facts) {
            assertTrue(message.contains(fact), "'" + message + "' does not mention '" + fact + "'");
        }
    }
}
