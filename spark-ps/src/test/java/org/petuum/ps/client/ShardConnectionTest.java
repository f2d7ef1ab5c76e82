package org.petuum.ps.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.DropTable;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.HelloOk;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.MessageEncoder;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.server.ShardServer;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.ByteBufUtil;
import org.petuum.shaded.io.netty.buffer.Unpooled;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.TableSpec;

/** The client's connections: answers matched to requests, failures when a connection ends, reconnecting. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShardConnectionTest {
    private static final long WAIT_MS = 5_000;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));

    private ShardServer server;
    private ShardAddress address;
    private PsClient client;

    @BeforeEach
    void start() throws InterruptedException {
        server = ShardServer.start("shard 0", CONF, "127.0.0.1");
        address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
        client = new PsClient("test client", CONF);
    }

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void outstandingRequestFailsNamingTheShardWhenTheConnectionCloses() {
        call(seq -> new CreateTable(seq, 0, TableSpec.dense("t", 1, 1), 0, 1));
        call(seq -> new BeginRun(seq, 1, 2, 0, 1));
        ShardConnection c = client.connection(address);
        ShardConnection.Pending waiting = c.send(seq -> new GetRows(seq, 0, 1, 0, 0, WAIT_MS, new int[] {0}));

        server.close();
        server = null;

        PsException e = assertThrows(PsException.class, () -> PsClient.await(waiting.answer(), WAIT_MS, () -> "x"));
        assertMentions(e.getMessage(), address.toString(), "connection closed before request " + waiting.seq());
        assertTrue(e.retriable(), "another shard server may answer later");
        assertFalse(c.isActive());
        PsException refused = assertThrows(PsException.class, () -> c.send(seq -> new DropTable(seq, 0)));
        assertMentions(refused.getMessage(), "cannot send to " + address, "connection closed");
    }

    @Test
    void reconnectingContinuesTheSequenceNumbersOfTheClosedConnection() throws Exception {
        ShardConnection first = client.connection(address);
        for (int i = 0; i < 3; i++) {
            call(seq -> new DropTable(seq, 9));
        }
        long next = first.nextSeq();

        first.close();
        awaitCondition(() -> !first.isActive(), "the connection to close");

        ShardConnection second = client.connection(address);
        assertNotSame(first, second);
        assertTrue(second.nextSeq() > next, "the new connection starts at " + second.nextSeq()
                + " although the closed one had reached " + next);
        ShardConnection.Pending p = second.send(seq -> new DropTable(seq, 9));
        assertEquals(p.seq(), PsClient.await(p.answer(), WAIT_MS, () -> "x").requestId());
    }

    @Test
    void concurrentRequestsOnOneConnectionEachGetTheirOwnAnswer() throws Exception {
        int rows = 16;
        call(seq -> new CreateTable(seq, 0, TableSpec.dense("t", rows, 1), 0, 1));
        call(seq -> new BeginRun(seq, 1, 1, 0, 1));
        List<RowUpdate> updates = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            updates.add(new RowUpdate(0, r, DenseRow.wrap(new double[] {r + 1})));
        }
        call(seq -> new Flush(seq, 1, 0, 0, updates));

        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        int[] ask = ThreadLocalRandom.current().ints(3, 0, rows).toArray();
                        Rows answer = assertInstanceOf(Rows.class,
                                call(seq -> new GetRows(seq, 0, 1, 0, 1, WAIT_MS, ask)));
                        assertArrayEquals(ask, answer.snapshot().rows());
                        for (int k = 0; k < ask.length; k++) {
                            assertEquals(ask[k] + 1, answer.snapshot().values()[k].get(0));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void handshakeThatIsNeverAnsweredTimesOutAndClosesTheConnection() throws Exception {
        PsConf quick = PsConf.from(Map.of(PsConf.IO_THREADS, "1", PsConf.CONNECT_TIMEOUT, "200ms"));
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             PsClient impatient = new PsClient("impatient client", quick)) {
            ShardAddress mute = new ShardAddress(4, "exec-4", "127.0.0.1", silent.getLocalPort());

            PsTimeoutException e = assertThrows(PsTimeoutException.class, () -> impatient.connection(mute));
            assertMentions(e.getMessage(), "handshake of " + mute, "200 ms");

            silent.setSoTimeout((int) WAIT_MS);
            try (Socket accepted = silent.accept()) {
                accepted.setSoTimeout((int) WAIT_MS);
                assertClosedByPeer(accepted.getInputStream());
            }
        }
    }

    @Test
    void closingTheClientClosesItsConnections() throws Exception {
        ExecutorService fakeShard = Executors.newSingleThreadExecutor();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout((int) WAIT_MS);
            ShardAddress fake = new ShardAddress(5, "exec-5", "127.0.0.1", listener.getLocalPort());
            // Several rounds: a close that races with the event loops' shutdown fails only some of the time.
            for (int round = 0; round < 5; round++) {
                Future<?> served = fakeShard.submit(() -> {
                    try (Socket s = listener.accept()) {
                        s.setSoTimeout((int) WAIT_MS);
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        byte[] hello = new byte[in.readInt()];
                        in.readFully(hello);
                        long requestId = ByteBuffer.wrap(hello, FrameLayout.TYPE_BYTES, FrameLayout.REQUEST_ID_BYTES)
                                .getLong();
                        s.getOutputStream().write(frame(new HelloOk(requestId,
                                Message.PROTOCOL_VERSION, "fake shard")));
                        assertClosedByPeer(in);
                    }
                    return null;
                });
                PsClient leaving = new PsClient("leaving client", CONF);
                assertTrue(leaving.connection(fake).isActive());
                leaving.close();
                served.get(2 * WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } finally {
            fakeShard.shutdownNow();
        }
    }

    @Test
    void connectingWhereNoServerListensFailsNamingTheShard() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ShardAddress nobody = new ShardAddress(3, "exec-3", "127.0.0.1", port);

        PsException e = assertThrows(PsException.class, () -> client.connection(nobody));

        assertMentions(e.getMessage(), "test client", "cannot connect to " + nobody);
        assertTrue(e.retriable());
    }

    @Test
    void awaitTimesOutNamingWhatItWaitedFor() {
        PsTimeoutException e = assertThrows(PsTimeoutException.class,
                () -> PsClient.await(new CompletableFuture<>(), 30, () -> "the shard of the test"));

        assertEquals("no answer from the shard of the test within 30 ms", e.getMessage());
        assertTrue(e.retriable());
    }

    // ---------------------------------------------------------------- helpers

    private Message call(LongFunction<Message> request) {
        Message m = PsClient.await(client.connection(address).send(request).answer(), WAIT_MS, address::toString);
        if (!(m instanceof Ack) && !(m instanceof Rows)) {
            fail(address + " answered " + m);
        }
        return m;
    }

    private static byte[] frame(Message m) {
        ByteBuf b = Unpooled.buffer();
        try {
            MessageEncoder.encode(m, b);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static void assertClosedByPeer(InputStream in) throws IOException {
        try {
            byte[] discard = new byte[4096];
            while (in.read(discard) != -1) {
                // Skips the greeting the client sent before it gave up.
            }
        } catch (SocketTimeoutException e) {
            fail("the client kept the connection open for " + WAIT_MS + " ms after giving up on it");
        } catch (SocketException e) {
            // A reset: closed either way.
        }
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
