package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.AwaitClock;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.MessageType;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/** A real shard server on a loopback port, driven by real clients and by a raw socket that misbehaves. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShardServerTest {
    private static final String SERVER_NAME = "shard under test";
    private static final long RUN = 7;
    private static final long WAIT_MS = 5_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, "64k",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));

    private ShardServer server;
    private PsClient client;
    private ShardAddress address;

    @BeforeEach
    void start() throws InterruptedException {
        startServer(System::nanoTime);
    }

    private void startServer(LongSupplier nanoTime) throws InterruptedException {
        server = ShardServer.start(SERVER_NAME, CONF, "127.0.0.1", nanoTime);
        address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
        client = new PsClient("test client", CONF);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    // ---------------------------------------------------------------- bad peers

    /** Bytes that a greeted peer sends and that must cost it its connection. */
    enum BadInput {
        /** Another protocol's bytes: the first four of an HTTP request read as a length of about 1.2 GB. */
        GARBAGE("GET / HTTP/1.1\r\nHost: shard\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
        /** A length far above the 64k limit, with no body following. */
        OVERSIZED_LENGTH(ByteBuffer.allocate(FrameLayout.LENGTH_BYTES).putInt(1 << 30).array()),
        /** A well-framed message of a type that does not exist. */
        UNKNOWN_TYPE(ByteBuffer.allocate(FrameLayout.HEADER_BYTES + 8).putInt(FrameLayout.TYPE_BYTES + 8).put((byte) 99)
                .putLong(2).array()),
        /** A known type whose body is cut short. */
        TRUNCATED_BODY(ByteBuffer.allocate(FrameLayout.HEADER_BYTES + 4).putInt(FrameLayout.TYPE_BYTES + 4)
                .put(MessageType.READ_RANGE.id()).putInt(0).array());

        final byte[] bytes;

        BadInput(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    @ParameterizedTest
    @EnumSource(BadInput.class)
    void badPeerIsDisconnectedWhileAnotherClientKeepsBeingServed(BadInput input) throws Exception {
        ShardConnection good = client.connection(address);

        try (RawPeer bad = new RawPeer(server.address())) {
            bad.greet();
            bad.write(input.bytes);
            bad.assertClosedByServer();
        }

        createTableAndBeginRun(0, TableSpec.dense("w", 4, 3), 1);
        assertTrue(flush(0, 0, update(0, 2, 1, 2, 3), update(0, 0, 0.5, 0, 0)));
        Rows read = assertInstanceOf(Rows.class, call(seq -> new GetRows(seq, 0, 1, 0, 1, WAIT_MS, new int[] {2, 0})));
        assertEquals(1, read.snapshot().version());
        assertArrayEquals(new int[] {2, 0}, read.snapshot().rows());
        assertArrayEquals(new RowValues[] {dense(1, 2, 3), dense(0.5, 0, 0)}, read.snapshot().values());
        assertSame(good, client.connection(address), "the good client's connection must not have been replaced");
        assertTrue(good.isActive());
    }

    @Test
    void firstMessageOtherThanHelloIsRefused() throws Exception {
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.send(new ReadRange(1, 0, 0, 10));
            peer.assertClosedByServer();
        }
        assertServerStillServes();
    }

    @Test
    void helloOfAnotherProtocolVersionIsAnsweredWithAnErrorAndRefused() throws Exception {
        int wrong = Message.PROTOCOL_VERSION + 1;
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.send(new Hello(5, wrong, "a peer from the future"));

            ErrorResponse e = assertInstanceOf(ErrorResponse.class, peer.receive());
            assertEquals(5, e.requestId());
            assertEquals(ErrorResponse.Code.BAD_REQUEST, e.code());
            assertMentions(e.message(), SERVER_NAME, "protocol version " + wrong,
                    "expected " + Message.PROTOCOL_VERSION);
            peer.assertClosedByServer();
        }
        assertServerStillServes();
    }

    @Test
    void secondHelloIsRefused() throws Exception {
        try (RawPeer peer = new RawPeer(server.address())) {
            assertEquals(SERVER_NAME, peer.greet().serverName());
            peer.send(new Hello(2, Message.PROTOCOL_VERSION, "again"));
            peer.assertClosedByServer();
        }
        assertServerStillServes();
    }

    @Test
    void badRequestIsAnsweredWithAnErrorAndKeepsTheConnection() {
        createTableAndBeginRun(0, TableSpec.dense("w", 4, 3), 1);
        ShardConnection c = client.connection(address);

        PsException unknownTable = assertThrows(PsException.class,
                () -> call(seq -> new GetRows(seq, 5, 0, 0, 0, WAIT_MS, new int[] {0})));
        assertMentions(unknownTable.getMessage(), SERVER_NAME, "no table with id 5");
        assertFalse(unknownTable.retriable(), "an unknown table stays unknown");

        PsException notAccepted = assertThrows(PsException.class, () -> call(seq -> new Ack(seq, true)));
        assertMentions(notAccepted.getMessage(), "does not accept ACK");

        PsException badRow = assertThrows(PsException.class,
                () -> call(seq -> new GetRows(seq, 0, 0, 0, 0, WAIT_MS, new int[] {4})));
        assertMentions(badRow.getMessage(), "table 'w'", "row 4 outside [0, 4)");

        assertSame(c, client.connection(address));
        assertTrue(flush(0, 0, update(0, 1, 1, 1, 1)));
    }

    @Test
    void closingTheServerDisconnectsEveryClient() throws Exception {
        // Several rounds: a server that leaves connections open does so only some of the time.
        for (int round = 0; round < 5; round++) {
            if (round > 0) {
                stop();
                start();
            }
            // Connected first, so accepted first: once the other's greeting is answered, both are accepted.
            try (RawPeer silent = new RawPeer(server.address()); RawPeer greeted = new RawPeer(server.address())) {
                greeted.greet();
                server.close();
                greeted.assertClosedByServer();
                silent.assertClosedByServer();
            }
        }
    }

    // ---------------------------------------------------------------- table semantics

    @Test
    void repeatedFlushOfTheSameWorkerAndClockIsAppliedOnce() {
        createTableAndBeginRun(3, TableSpec.dense("counts", 2, 2), 2);

        assertTrue(flush(0, 0, update(3, 1, 5, 7)), "first delivery");
        assertFalse(flush(0, 0, update(3, 1, 5, 7)), "a repeat must be acknowledged as not applied");
        assertTrue(flush(1, 0, update(3, 1, 1, 0)));
        assertFalse(flush(1, 0, update(3, 1, 1, 0)));

        Rows rows = readRange(3);
        assertArrayEquals(new int[] {1}, rows.snapshot().rows());
        assertEquals(dense(6, 7), rows.snapshot().values()[0]);
        assertEquals(1, rows.snapshot().version(), "both workers completed exactly one clock");

        assertTrue(flush(0, 1, update(3, 1, 1, 1)), "the next clock is applied normally");
        PsException skipped = assertThrows(PsException.class, () -> flush(0, 3, update(3, 1, 1, 1)));
        assertMentions(skipped.getMessage(), "worker 0 flushed clock 3", "next clock here is 2");
        assertEquals(dense(7, 8), readRange(3).snapshot().values()[0]);
    }

    @Test
    void readThatWaitsForAWorkerThatNeverClocksFailsNamingEveryone() {
        // SSP(1): worker 0, at clock 2, needs version 1, which worker 1 (still at clock 0) never provides.
        createTableAndBeginRun(2, TableSpec.dense("slow-table", 2, 2).staleness(1), 2);
        assertTrue(flush(0, 0));
        assertTrue(flush(0, 1));

        long start = System.nanoTime();
        PsException e = assertThrows(PsException.class,
                () -> call(seq -> new GetRows(seq, 2, 1, 0, 2, 300, new int[] {0, 1})));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;

        assertMentions(e.getMessage(), SERVER_NAME, "table 'slow-table'", "worker 0 at clock 2",
                "for worker 1, which is at clock 0", "clock 1 is needed");
        assertTrue(e.retriable(), "a timeout can succeed later");
        assertTrue(waitedMs >= 300, "failed after " + waitedMs + " ms, before the read's timeout");
        assertEquals(0, server.waitingReads());
    }

    @Test
    void readWaitsUntilTheSlowestWorkerIsWithinStaleness() throws Exception {
        createTableAndBeginRun(1, TableSpec.dense("e", 1, 2).staleness(1), 2);
        for (int c = 0; c < 3; c++) {
            assertTrue(flush(0, c, update(1, 0, 1, 0)));
        }
        assertTrue(flush(1, 0, update(1, 0, 0, 10)));

        // Worker 0 has completed 3 clocks: under SSP(1) it needs version 3 - 1 = 2; the shard is at 1.
        CompletableFuture<Message> waiting = client.connection(address)
                .send(seq -> new GetRows(seq, 1, 2, 0, 3, WAIT_MS, new int[] {0})).answer();
        awaitCondition(() -> server.waitingReads() == 1, "the read to wait");
        assertFalse(waiting.isDone());

        // A read that the shard's version already satisfies does not queue behind it.
        Rows now = assertInstanceOf(Rows.class, call(seq -> new GetRows(seq, 1, 1, 1, 1, WAIT_MS, new int[] {0})));
        assertEquals(1, now.snapshot().version());
        assertEquals(dense(3, 10), now.snapshot().values()[0]);
        assertFalse(waiting.isDone());

        assertTrue(flush(1, 1, update(1, 0, 0, 100)));

        Rows answered = assertInstanceOf(Rows.class, waiting.get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(2, answered.snapshot().version());
        assertEquals(dense(3, 110), answered.snapshot().values()[0]);
        assertEquals(0, server.waitingReads());
    }

    @Test
    void globalBarrierReadIsAnsweredWhenEveryWorkerReachesTheClock() throws Exception {
        createTableAndBeginRun(0, TableSpec.dense("t", 1, 1), 2);
        assertTrue(flush(0, 0));

        CompletableFuture<Message> barrier = client.connection(address)
                .send(seq -> new AwaitClock(seq, false, 1, 0, 1, WAIT_MS)).answer();
        awaitCondition(() -> server.waitingReads() == 1, "the barrier to wait");

        assertTrue(flush(1, 0));

        Rows r = assertInstanceOf(Rows.class, barrier.get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(1, r.snapshot().version());
        assertEquals(0, r.snapshot().size());
    }

    @Test
    void aWaitForTheOtherWorkersIsAnsweredWithoutTheWaitersOwnClock() throws Exception {
        createTableAndBeginRun(0, TableSpec.dense("t", 1, 1), 3);
        assertTrue(flush(1, 0));

        CompletableFuture<Message> others = client.connection(address)
                .send(seq -> new AwaitClock(seq, true, 1, 0, 0, WAIT_MS)).answer();
        awaitCondition(() -> server.waitingReads() == 1, "the wait to park");
        assertTrue(flush(2, 0));

        Rows r = assertInstanceOf(Rows.class, others.get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertEquals(0, r.snapshot().size());
    }

    @Test
    void aReadOfANegativeTableIdIsRefusedNamingAwaitClock() {
        createTableAndBeginRun(0, TableSpec.dense("t", 1, 1), 1);
        PsException e = assertThrows(PsException.class,
                () -> call(seq -> new GetRows(seq, -2, 1, 0, 0, WAIT_MS, new int[0])));
        assertTrue(e.getMessage().contains("AWAIT_CLOCK"), e.getMessage());
    }

    @Test
    void readDeadlineFollowsTheInjectedClock() throws Exception {
        stop();
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        startServer(nanos::get);
        createTableAndBeginRun(0, TableSpec.dense("t", 1, 1), 2);
        assertTrue(flush(0, 0));

        CompletableFuture<Message> read = client.connection(address)
                .send(seq -> new GetRows(seq, 0, 1, 0, 1, 300, new int[] {0})).answer();
        awaitCondition(() -> server.waitingReads() == 1, "the read to wait");

        nanos.addAndGet(299_000_000L);
        // Several expiry passes run in this time; none may fail the read, whose deadline has not come.
        assertThrows(TimeoutException.class, () -> read.get(250, TimeUnit.MILLISECONDS));
        assertEquals(1, server.waitingReads());

        nanos.addAndGet(1_000_000L);
        PsException e = assertThrows(PsException.class, () -> PsClient.await(read, WAIT_MS, () -> "the read"));
        assertMentions(e.getMessage(), "table 't'", "waited 300 ms", "for worker 1, which is at clock 0");
    }

    @Test
    void putRowsReplacesRowsAndLaterFlushesAddToThem() {
        createTableAndBeginRun(0, TableSpec.dense("w", 4, 2), 1);
        assertTrue(flush(0, 0, update(0, 1, 100, 100), update(0, 3, 5, 5)));

        assertInstanceOf(Ack.class, call(seq -> new PutRows(seq, 0, new int[] {1, 2},
                new RowValues[] {dense(1, 2), dense(3, 4)})));
        assertTrue(flush(0, 1, update(0, 1, 10, 10)));

        Rows rows = readRange(0);
        assertArrayEquals(new int[] {1, 2, 3}, rows.snapshot().rows());
        assertArrayEquals(new RowValues[] {dense(11, 12), dense(3, 4), dense(5, 5)}, rows.snapshot().values());

        PsException narrow = assertThrows(PsException.class,
                () -> call(seq -> new PutRows(seq, 0, new int[] {0}, new RowValues[] {dense(1)})));
        assertMentions(narrow.getMessage(), "table 'w' row 0", "1 columns, expected 2");
    }

    @Test
    void frameJustBelowTheLimitIsServed() {
        int cols = 8_000; // 64,000 bytes of cells: the flush and the answer both fit in a 64k frame
        createTableAndBeginRun(0, TableSpec.dense("wide", 1, cols), 1);
        double[] delta = new double[cols];
        for (int i = 0; i < cols; i++) {
            delta[i] = i * 0.5;
        }

        assertTrue(flush(0, 0, new RowUpdate(0, 0, DenseRow.wrap(delta.clone()))));

        assertEquals(DenseRow.wrap(delta), readRange(0).snapshot().values()[0]);
    }

    // ---------------------------------------------------------------- helpers

    private void assertServerStillServes() {
        createTableAndBeginRun(0, TableSpec.dense("w", 4, 3), 1);
        assertTrue(flush(0, 0, update(0, 3, 9, 8, 7)));
        assertEquals(dense(9, 8, 7), readRange(0).snapshot().values()[0]);
    }

    private Message call(LongFunction<Message> request) {
        return PsClient.await(client.connection(address).send(request).answer(), WAIT_MS, () -> SERVER_NAME);
    }

    private void createTableAndBeginRun(int tableId, TableSpec spec, int workers) {
        assertInstanceOf(Ack.class, call(seq -> new CreateTable(seq, tableId, spec, 0, 1)));
        assertInstanceOf(Ack.class, call(seq -> new BeginRun(seq, RUN, workers, 0, 1)));
    }

    /** Flushes one clock of one worker; returns whether the shard applied it. */
    private boolean flush(int worker, int clock, RowUpdate... updates) {
        return assertInstanceOf(Ack.class, call(seq -> new Flush(seq, RUN, worker, clock, List.of(updates))))
                .applied();
    }

    private Rows readRange(int tableId) {
        return assertInstanceOf(Rows.class, call(seq -> new ReadRange(seq, tableId, 0, Integer.MAX_VALUE)));
    }

    private static RowUpdate update(int tableId, int row, double... delta) {
        return new RowUpdate(tableId, row, dense(delta));
    }

    private static DenseRow dense(double... values) {
        return DenseRow.wrap(values.clone());
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + WAIT_MS + " ms for " + what);
            }
            Thread.sleep(2);
        }
    }

    private static void assertMentions(String message, String... facts) {
        for (String fact : facts) {
            assertTrue(message.contains(fact), "'" + message + "' does not mention '" + fact + "'");
        }
    }
}
