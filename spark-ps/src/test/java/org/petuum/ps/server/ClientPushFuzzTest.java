package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.AuthChallenge;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.FrameMutator;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.HelloOk;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.RowPush;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableSpec;

/**
 * A seeded mutation fuzzer of the client's handling of what a shard sends it: a fake shard (a raw socket) completes
 * the handshake, answers a read of rows 0 and 1 of a pushing table (so that pushes of them are allowed), and then
 * sends mutants of {@code ROW_PUSH} frames and of every other server-to-client message, then hangs up. For each
 * input the client must install only rows that a cleanly decoding push of the current run carried, fail its
 * outstanding request on that connection with a {@link PsException} naming the shard (or answer it, if a mutant
 * happened to), and nothing may escape its event loop: its connection to a real shard stays the same and keeps
 * serving exact values throughout. {@code -Dpetuum.fuzz.seed=…} replays a run.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClientPushFuzzTest {
    private static final long SEED =
            Long.getLong("petuum.fuzz.seed", System.nanoTime() ^ System.currentTimeMillis() << 20);
    private static final int INPUTS = Integer.getInteger("petuum.fuzz.push.iterations", 1_500);
    private static final int LIMIT = 64 * 1024;
    private static final long RUN = 11;
    private static final long WAIT_MS = GuardedValue.WAIT_MS;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, "64k",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));

    private long input;
    private String trail = "";
    private byte[] bytes = new byte[0];

    @Test
    void mutatedPushesAndAnswersFailOnlyTheirConnectionAndNeverInstallAMalformedRow() throws Exception {
        String quiet = PsClient.class.getName();
        Configurator.setLevel(quiet, Level.ERROR); // every refused connection is logged: thousands of lines
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             ShardServer real = ShardServer.start("real shard", CONF, "127.0.0.1");
             PsClient client = new PsClient("fuzzed client", CONF)) {
            listener.setSoTimeout((int) WAIT_MS);
            client.enterRun(RUN);
            ShardAddress fake = new ShardAddress(1, "exec-fake", "127.0.0.1", listener.getLocalPort());
            ShardAddress good = new ShardAddress(0, "exec-0", "127.0.0.1", real.address().getPort());
            call(client, good, seq -> new CreateTable(seq, 0, TableSpec.dense("guarded", 2, 3), 0, 1));
            call(client, good, seq -> new BeginRun(seq, RUN, 1, 0, 1));
            ShardConnection goodConnection = client.connection(good);

            FrameMutator mutator = new FrameMutator(seeds());
            SplittableRandom random = new SplittableRandom(SEED);
            long installed = 0;
            long refusedConnections = 0;
            long answered = 0;
            int clock = 0;
            long start = System.nanoTime();
            for (input = 0; input < INPUTS; input++) {
                client.cache().clear();
                CompletableFuture<ShardConnection> connecting =
                        CompletableFuture.supplyAsync(() -> client.connection(fake));
                ShardConnection c;
                CompletableFuture<Message> pending;
                try (RawPeer shard = RawPeer.accepted(listener.accept())) {
                    shard.greet("fake shard");
                    c = PsClient.await(connecting, WAIT_MS, () -> "connecting to the fake shard");
                    // Rows 0 and 1 of a pushing table read: pushes of them are allowed from now on.
                    shard.allowPushes(c, snapshot(0, new int[] {0, 1}, 1), WAIT_MS);
                    // A request the fake shard never answers (unless a mutant does): it must fail, naming the shard.
                    pending = c.send(seq -> new GetRows(seq, 0, 0, 0, 0, WAIT_MS, new int[] {0})).answer();
                    shard.receive();
                    bytes = mutator.mutate(random);
                    trail = mutator.trail();
                    shard.write(bytes);
                } // hangs up: the client sees the end of the connection after every byte of the input
                Message answer = outcome(pending, fake);
                answered += answer != null ? 1 : 0;
                refusedConnections += answer == null && !cleanToTheEnd(bytes) ? 1 : 0;
                installed += checkCache(client, bytes);
                awaitClosed(c);
                if (input % 100 == 99) {
                    checkGuardedValue(client, good, clock++);
                    assertSame(goodConnection, client.connection(good), "the real shard's connection was replaced");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            checkGuardedValue(client, good, clock);
            System.out.printf("client push fuzz: seed=%d, %,d mutated inputs from a fake shard in %.1f s (%,.0f/s);"
                            + " %,d pushed rows installed (all from clean pushes), %,d inputs with a refused frame,"
                            + " %,d answered the outstanding request%n", SEED, INPUTS, seconds, INPUTS / seconds,
                    installed, refusedConnections, answered);
        } finally {
            Configurator.setLevel(quiet, LogManager.getRootLogger().getLevel());
        }
    }

    /** Server-to-client frames (pushes weighted up), then every message type and the edge frames. */
    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seeds.add(FrameMutator.frame(new RowPush(RUN, 3, snapshot(0, new int[] {0, 1}, 7 + i))));
            seeds.add(FrameMutator.frame(new RowPush(RUN, RowPush.UNSOLICITED, new RowsSnapshot(0, 4, new int[] {1},
                    new RowValues[] {SparseRow.of(2, new int[] {1}, new double[] {-2.5})}))));
        }
        seeds.add(FrameMutator.frame(new RowPush(RUN - 1, 3, snapshot(0, new int[] {0}, 9))));
        seeds.add(FrameMutator.frame(new RowPush(RUN, 3, snapshot(5, new int[] {0}, 9))));
        seeds.add(FrameMutator.frame(new Rows(2, 2, snapshot(0, new int[] {0}, 3))));
        seeds.add(FrameMutator.frame(new ErrorResponse(2, ErrorResponse.Code.TIMEOUT, "fake")));
        seeds.add(FrameMutator.frame(new Ack(2, true)));
        seeds.add(FrameMutator.frame(new HelloOk(1, Message.PROTOCOL_VERSION, "again")));
        seeds.add(FrameMutator.frame(new AuthChallenge(1, new byte[32])));
        seeds.addAll(FrameMutator.seedFrames());
        return seeds;
    }

    /**
     * The outstanding request's end: an answer a mutant carried, or {@code null} when it failed as it must, with a
     * {@link PsException} naming the shard. Anything else fails the test.
     */
    private Message outcome(CompletableFuture<Message> pending, ShardAddress fake) throws InterruptedException {
        try {
            return pending.get(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(failure("the request on the fake shard's connection neither failed nor was"
                    + " answered within " + WAIT_MS + " ms after the shard hung up"), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            assertTrue(cause instanceof PsException, failure("the request failed with " + cause));
            assertTrue(cause.getMessage().contains(fake.toString()) || cause.getMessage().contains("fake"),
                    failure("the error does not name the shard: " + cause.getMessage()));
            return null;
        }
    }

    /** Whether every byte of {@code in} belongs to a frame that decodes cleanly. */
    private static boolean cleanToTheEnd(byte[] in) {
        List<Message> clean = FuzzFrames.cleanFrames(in, LIMIT);
        int length = 0;
        for (Message m : clean) {
            length += FrameLayout.frameBytes(m);
        }
        return length == in.length;
    }

    /**
     * Every row in the cache must be one that a cleanly decoding push of this run carried for a row this process
     * read on that connection (table 0, rows 0 and 1). Returns the number of rows installed.
     */
    private int checkCache(PsClient client, byte[] in) {
        List<CachedRow> allowed = new ArrayList<>();
        List<Integer> allowedRows = new ArrayList<>();
        for (Message m : FuzzFrames.cleanFrames(in, LIMIT)) {
            if (m instanceof RowPush p && p.runId() == RUN && p.snapshot().tableId() == 0) {
                RowsSnapshot s = p.snapshot();
                for (int i = 0; i < s.size(); i++) {
                    allowed.add(new CachedRow(s.version(), p.watermark(), s.values()[i]));
                    allowedRows.add(s.rows()[i]);
                }
            }
        }
        int installed = 0;
        for (int row : new int[] {0, 1}) {
            CachedRow got = client.cache().get(0, row);
            if (got != null) {
                boolean carried = false;
                for (int i = 0; i < allowed.size(); i++) {
                    carried |= allowedRows.get(i) == row && allowed.get(i).equals(got);
                }
                assertTrue(carried, failure("row " + row + " was installed as " + got + ", which no clean push of "
                        + "this run carried"));
                installed++;
            }
        }
        assertEquals(installed, client.cache().size(), failure("rows other than 0 and 1 of table 0 were installed"));
        return installed;
    }

    private void awaitClosed(ShardConnection c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (c.isActive()) {
            assertTrue(System.nanoTime() < deadline, failure("the client kept the hung-up connection open"));
            Thread.sleep(1);
        }
    }

    private static RowsSnapshot snapshot(int table, int[] rows, double value) {
        RowValues[] values = new RowValues[rows.length];
        for (int i = 0; i < rows.length; i++) {
            values[i] = DenseRow.wrap(new double[] {value, -value});
        }
        return new RowsSnapshot(table, 3, rows, values);
    }

    private static void checkGuardedValue(PsClient client, ShardAddress address, int clock) {
        GuardedValue.check(client, address, RUN, clock);
    }

    private static Message call(PsClient client, ShardAddress address, LongFunction<Message> request) {
        return GuardedValue.call(client, address, request, "real shard");
    }

    private String failure(String what) {
        return what + "\n  " + FuzzFrames.describe(SEED, "petuum.fuzz.seed", input, trail, bytes);
    }
}
