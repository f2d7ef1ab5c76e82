package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableSpec;

/**
 * A shard refuses a read whose answer would be over a limit (rows per request, frame size) before it copies a
 * single row, answers with an error naming the limit, and keeps serving the connection. How much the shard's
 * event-loop thread allocates for a refused read is measured with the JVM's per-thread allocation counter.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadLimitsTest {
    private static final long RUN = 3;
    private static final long WAIT_MS = 10_000;
    private static final int MAX_ROWS = 100;
    /** 8,000 doubles: one row takes 64,000 bytes of a 64 KiB frame. */
    private static final int WIDE = 8_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, "64k",
            PsConf.MAX_ROWS_PER_REQUEST, String.valueOf(MAX_ROWS),
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "10s",
            PsConf.READ_TIMEOUT, "10s"));

    private ShardServer server;
    private PsClient client;
    private ShardAddress address;

    @BeforeEach
    void start() throws InterruptedException {
        server = ShardServer.start("limited shard", CONF, "127.0.0.1");
        address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
        client = new PsClient("test client", CONF);
        call(seq -> new CreateTable(seq, 0, TableSpec.dense("wide", 4, WIDE), 0, 1));
        call(seq -> new CreateTable(seq, 1, TableSpec.dense("narrow", 1000, 2), 0, 1));
        call(seq -> new BeginRun(seq, RUN, 1, 0, 1));
        double[] cells = new double[WIDE];
        Arrays.fill(cells, 1.5);
        call(seq -> new Flush(seq, RUN, 0, 0, List.of(new RowUpdate(0, 0, DenseRow.wrap(cells)),
                new RowUpdate(1, 7, DenseRow.wrap(new double[] {7, 8})))));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void readOfMoreRowsThanTheLimitIsRefusedNamingItAndTheConnectionServesOn() {
        int[] ids = new int[MAX_ROWS + 1];
        ErrorResponse e = refused(seq -> new GetRows(seq, 1, 0, 0, 1, WAIT_MS, ids));
        assertMentions(e.message(), "101 rows", "limit of 100 rows", PsConf.MAX_ROWS_PER_REQUEST);

        Rows ok = assertInstanceOf(Rows.class, call(seq -> new GetRows(seq, 1, 0, 0, 1, WAIT_MS, new int[MAX_ROWS])));
        assertEquals(MAX_ROWS, ok.snapshot().size());
        assertEquals(DenseRow.wrap(new double[] {7, 8}),
                assertInstanceOf(Rows.class, call(seq -> new GetRows(seq, 1, 0, 0, 1, WAIT_MS, new int[] {7})))
                        .snapshot().values()[0]);
    }

    @Test
    void readWhoseAnswerWouldNotFitAFrameIsRefusedBeforeAnyRowIsCopied() {
        // Row 0 (stored) and row 1 (never written, answered as zeros) 60 times each: 7.7 MB of copies if served.
        int[] ids = new int[MAX_ROWS - 1];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 2;
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long shardThread = shardThreadId();
        long before = threads.getThreadAllocatedBytes(shardThread);

        ErrorResponse e = refused(seq -> new GetRows(seq, 0, 0, 0, 1, WAIT_MS, ids));

        long allocated = threads.getThreadAllocatedBytes(shardThread) - before;
        assertTrue(allocated < 2_000_000, "the shard allocated " + allocated + " bytes to refuse the read");
        assertMentions(e.message(), "table 'wide'", "99 rows", "limit of " + (64 * 1024 - Rows.FRAME_OVERHEAD),
                PsConf.MAX_FRAME_BYTES);
        assertServes();
    }

    @Test
    void rangeReadWhoseAnswerWouldNotFitAFrameIsRefusedNamingTheLimit() {
        call(seq -> new Flush(seq, RUN, 0, 1, List.of(new RowUpdate(0, 3, DenseRow.wrap(new double[WIDE])))));

        ErrorResponse e = refused(seq -> new ReadRange(seq, 0, 0, 4));

        assertMentions(e.message(), "rows [0, 4)", "table 'wide'", PsConf.MAX_FRAME_BYTES);
        assertEquals(1, assertInstanceOf(Rows.class, call(seq -> new ReadRange(seq, 0, 0, 1))).snapshot().size());
    }

    @Test
    void waitingReadWhoseRowsGrewTooLargeMeanwhileIsRefusedWhenReleased() {
        call(seq -> new CreateTable(seq, 2, TableSpec.sparse("counts", 10, 1_000_000), 0, 1));
        call(seq -> new BeginRun(seq, RUN + 1, 2, 0, 1));
        // Rows 0 and 2 are empty now: the answer would fit, so the read waits for both workers' clock 0.
        CompletableFuture<Message> waiting = client.connection(address)
                .send(seq -> new GetRows(seq, 2, 1, 0, 0, WAIT_MS, new int[] {0, 2})).answer();
        int[] cols = new int[3000];
        double[] values = new double[3000];
        for (int k = 0; k < cols.length; k++) {
            cols[k] = 300 * k;
            values[k] = k + 1;
        }
        // 36 KB a row once each worker has flushed one: 72 KB for the two, over the 64 KiB frame.
        call(seq -> new Flush(seq, RUN + 1, 0, 0, List.of(new RowUpdate(2, 0, SparseRow.of(1_000_000, cols, values)))));
        call(seq -> new Flush(seq, RUN + 1, 1, 0, List.of(new RowUpdate(2, 2, SparseRow.of(1_000_000, cols, values)))));

        ErrorResponse e = refused(() -> PsClient.await(waiting, WAIT_MS, () -> "the waiting read"));
        assertMentions(e.message(), "table 'counts'", "2 rows", PsConf.MAX_FRAME_BYTES);
        Rows one = assertInstanceOf(Rows.class, call(seq -> new GetRows(seq, 2, 1, 0, 1, WAIT_MS, new int[] {2})));
        assertEquals(3000, one.snapshot().values()[0].storedCells());
    }

    private void assertServes() {
        Rows one = assertInstanceOf(Rows.class, call(seq -> new GetRows(seq, 0, 0, 0, 1, WAIT_MS, new int[] {0})));
        assertEquals(1.5, one.snapshot().values()[0].get(WIDE - 1));
    }

    private long shardThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("petuum-shard"))
                .mapToLong(Thread::getId)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no shard event-loop thread"));
    }

    private ErrorResponse refused(LongFunction<Message> request) {
        return refused(() -> call(request));
    }

    private ErrorResponse refused(java.util.function.Supplier<Message> answer) {
        try {
            Message m = answer.get();
            throw new AssertionError("expected a refusal but got " + m);
        } catch (org.petuum.ps.PsTooLargeException e) {
            return new ErrorResponse(0, ErrorResponse.Code.TOO_LARGE, e.getMessage());
        } catch (org.petuum.ps.PsException e) {
            throw new AssertionError("expected a TOO_LARGE refusal but got: " + e.getMessage(), e);
        }
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
