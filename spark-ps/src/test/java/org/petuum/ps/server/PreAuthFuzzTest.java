package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.io.EOFException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.AuthChallenge;
import org.petuum.ps.protocol.AuthResponse;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.DeltaArrays;
import org.petuum.ps.protocol.FrameDecoder;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.FrameMutator;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.HelloOk;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.MessageDecoder;
import org.petuum.ps.protocol.MessageEncoder;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Rows;
import org.petuum.ps.security.PsSecurity;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.ByteBufAllocator;
import org.petuum.shaded.io.netty.buffer.ByteBufUtil;
import org.petuum.shaded.io.netty.channel.embedded.EmbeddedChannel;
import org.petuum.ssp.TableSpec;

/**
 * A seeded mutation fuzzer of the pre-authentication path of a shard that requires the application's secret:
 * mutated frames (of every message type, and mutants of a correct {@code AUTH_RESPONSE} to the connection's own
 * challenge) sent before {@code HELLO} or between the challenge and the answer. Such a connection must be closed,
 * never reach the shard's tables, and never make the server allocate beyond the pre-handshake frame limit
 * ({@link FrameLayout#HANDSHAKE_FRAME_BYTES}, although the configured limit is 16 MiB); the server stays up and
 * keeps serving an authenticated client. A mutant that still carries a valid proof is an authenticated client,
 * not an intrusion: it is counted and, on the live server, withheld.
 *
 * <p>Most inputs go through the server's real pipeline on an {@link EmbeddedChannel}; a part goes to a live
 * {@link ShardServer} on its own TCP connection each. {@code -Dpetuum.fuzz.seed=…} replays a run.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PreAuthFuzzTest {
    private static final long SEED =
            Long.getLong("petuum.fuzz.seed", System.nanoTime() ^ System.currentTimeMillis() << 20);
    private static final int EMBEDDED_INPUTS = Integer.getInteger("petuum.fuzz.preauth.iterations", 2_000);
    private static final int LIVE_INPUTS = 5_000;
    private static final int LIMIT = FrameLayout.HANDSHAKE_FRAME_BYTES;
    /**
     * The most one input may make the server allocate: a handful of frames at the pre-handshake limit (its buffer,
     * its decoded copy, a string's chars) and the leak detector's records. A length field trusted before it is
     * checked (up to 4 GiB) or the configured 16 MiB limit applied too early would be far over it.
     */
    private static final long MAX_ALLOCATED = 16L * LIMIT;
    private static final long RUN = 5;
    private static final long WAIT_MS = GuardedValue.WAIT_MS;
    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, "16m",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));
    private static final PsSecurity SECURITY = PsSecurity.of("pre-auth-fuzz-secret", CONF);
    private static final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
    private static final String[] QUIET = {ConnectionHandler.class.getName(), ShardServer.class.getName()};

    /** Where a mutated input is sent: before HELLO, after the challenge, or (mutated) as the answer to it. */
    enum Phase { BEFORE_HELLO, AFTER_CHALLENGE, MUTATED_RESPONSE }

    private long input;
    private String trail = "";
    private byte[] bytes = new byte[0];
    /** The challenge the last mutated response answered (for checking a proof the embedded server accepted). */
    private byte[] responseNonce;

    @BeforeAll
    static void quietAndListenForLeaks() {
        ByteBufUtil.setLeakListener((resourceType, records) -> leaks.add(resourceType + ": " + records));
        // Every refused connection is logged; tens of thousands of them would only fill the test's output.
        for (String logger : QUIET) {
            Configurator.setLevel(logger, Level.ERROR);
        }
    }

    @AfterAll
    static void restore() {
        ByteBufUtil.setLeakListener(null);
        for (String logger : QUIET) {
            Configurator.setLevel(logger, LogManager.getRootLogger().getLevel());
        }
    }

    @Test
    void mutatedHandshakesOnTheServersPipelineNeverReachTheShardAndStayWithinTheHandshakeLimit() throws Exception {
        ShardService service = new ShardService("fuzzed shard", System::nanoTime, CONF.maxFrameBytes(),
                CONF.maxRowsPerRequest(), 0, new MetricRegistry(), CONF.checkpointDir());
        FrameMutator mutator = new FrameMutator(FrameMutator.seedFrames());
        SplittableRandom random = new SplittableRandom(SEED);
        long[] byPhase = new long[Phase.values().length];
        long closed = 0;
        long authenticated = 0;
        long maxAllocated = 0;
        long start = System.nanoTime();
        try {
            for (input = 0; input < EMBEDDED_INPUTS; input++) {
                Phase phase = Phase.values()[random.nextInt(Phase.values().length)];
                byPhase[phase.ordinal()]++;
                EmbeddedChannel ch = newChannel(service);
                try {
                    long requestsBefore = service.metrics().requestsIn.getCount();
                    byte[] nonce = phase == Phase.BEFORE_HELLO ? null : challenge(ch, random);
                    bytes = phase == Phase.MUTATED_RESPONSE ? mutatedResponse(nonce, random) : mutant(mutator, random);
                    long allocated = fed(ch, bytes, random);
                    if (allocated > MAX_ALLOCATED) {
                        // A first use (class loading, the first exception of a kind) costs more once: measured again
                        // on a new connection before it fails.
                        // Its own random pieces, so that the seed replays the same inputs either way.
                        SplittableRandom pieces = new SplittableRandom(input);
                        EmbeddedChannel again = newChannel(service);
                        try {
                            if (phase != Phase.BEFORE_HELLO) {
                                challenge(again, pieces);
                            }
                            allocated = checkAllocated(fed(again, bytes, pieces));
                        } finally {
                            again.finishAndReleaseAll();
                        }
                    }
                    maxAllocated = Math.max(maxAllocated, allocated);
                    boolean ok = drainOutbound(ch).stream().anyMatch(m -> m instanceof HelloOk);
                    if (ok) {
                        assertTrue(phase == Phase.MUTATED_RESPONSE && hasValidProof(bytes, null), failure(
                                "the handshake completed without a valid proof"));
                        authenticated++;
                        continue;
                    }
                    if (ch.isOpen()) {
                        // Still in the handshake (the input ended inside a frame, or after a HELLO): any request now
                        // is refused too.
                        feed(ch, FrameMutator.frame(new ReadRange(9, 0, 0, 1)), random);
                        drainOutbound(ch).forEach(m -> assertTrue(!(m instanceof Rows), failure("a request was "
                                + "answered before the handshake completed: " + m)));
                    }
                    closed += ch.isOpen() ? 0 : 1;
                    assertEquals(requestsBefore, service.metrics().requestsIn.getCount(),
                            failure("a request reached the shard before the handshake completed"));
                } finally {
                    ch.finishAndReleaseAll();
                }
            }
        } finally {
            service.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("pre-auth fuzz, server pipeline: seed=%d, %,d inputs in %.1f s (%,.0f/s): %,d before HELLO,"
                        + " %,d after the challenge, %,d mutated answers to it; %,d connections closed, %,d still inside"
                        + " a frame, %,d mutants kept a valid proof; at most %,d bytes allocated by one input (limit"
                        + " %,d)%n", SEED, EMBEDDED_INPUTS, seconds, EMBEDDED_INPUTS / seconds, byPhase[0], byPhase[1],
                byPhase[2], closed, EMBEDDED_INPUTS - closed - authenticated, authenticated, maxAllocated,
                MAX_ALLOCATED);
        assertTrue(closed > EMBEDDED_INPUTS / 2, "most mutated handshakes must end in a close: " + closed);
        assertNoLeaks();
    }

    @Test
    void anAuthenticatingShardClosesOnlyTheFuzzedConnectionsAndKeepsServingItsClient() throws Exception {
        try (ShardServer server = ShardServer.start("pre-auth fuzzed shard", CONF, "127.0.0.1", SECURITY);
             PsClient client = new PsClient("trusted client", CONF, SECURITY)) {
            ShardAddress address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
            call(client, address, seq -> new CreateTable(seq, 0, TableSpec.dense("guarded", 2, 3), 0, 1));
            call(client, address, seq -> new BeginRun(seq, RUN, 1, 0, 1));
            ShardConnection good = client.connection(address);
            long[] shardThreads = FuzzFrames.threadIds("petuum-shard");
            FrameMutator mutator = new FrameMutator(FrameMutator.seedFrames());
            SplittableRandom random = new SplittableRandom(SEED ^ 0x9E3779B97F4A7C15L);
            long[] byPhase = new long[Phase.values().length];
            int clock = 0;
            int withheld = 0;
            long maxAllocated = 0;
            long start = System.nanoTime();
            for (input = 0; input < LIVE_INPUTS; input++) {
                Phase phase = Phase.values()[random.nextInt(Phase.values().length)];
                try (RawPeer peer = new RawPeer(server.address())) {
                    byte[] nonce = phase == Phase.BEFORE_HELLO ? null : peer.helloExpectingChallenge().serverNonce();
                    bytes = phase == Phase.MUTATED_RESPONSE ? mutatedResponse(nonce, random) : mutant(mutator, random);
                    if (phase == Phase.MUTATED_RESPONSE && hasValidProof(bytes, nonce)) {
                        withheld++; // it authenticates: what follows it would be an authenticated client's requests
                        continue;
                    }
                    byPhase[phase.ordinal()]++;
                    long allocatedBefore = FuzzFrames.allocatedBy(shardThreads);
                    peer.write(bytes);
                    peer.finishOutput();
                    peer.assertClosedByServer();
                    maxAllocated = Math.max(maxAllocated,
                            checkAllocated(FuzzFrames.allocatedBy(shardThreads) - allocatedBefore));
                }
                if (input % 100 == 99) {
                    checkGuardedValue(client, address, clock++);
                    assertSame(good, client.connection(address), "the trusted client's connection was replaced");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            checkGuardedValue(client, address, clock);
            try (PsClient late = new PsClient("client after the fuzz", CONF, SECURITY)) {
                assertInstanceOf(Rows.class, call(late, address, seq -> new ReadRange(seq, 0, 0, 2)));
            }
            System.out.printf("pre-auth fuzz, live server: seed=%d, %,d connections in %.1f s (%,.0f/s): %,d before"
                            + " HELLO, %,d after the challenge, %,d mutated answers to it, all closed by the server; %,d"
                            + " withheld (still a valid proof); at most %,d bytes allocated by the server for one (limit"
                            + " %,d)%n", SEED, LIVE_INPUTS - withheld, seconds, (LIVE_INPUTS - withheld) / seconds,
                    byPhase[0], byPhase[1], byPhase[2], withheld, maxAllocated, MAX_ALLOCATED);
            assertEquals(0, server.waitingReads(), "reads of closed connections still held");
        }
        assertNoLeaks();
    }

    /**
     * The limit before the handshake is the small one, not the configured 16 MiB: a well-formed HELLO one byte over
     * it is refused unread (no challenge), where a larger limit would answer it.
     */
    @Test
    void aHelloOverThePreHandshakeLimitIsRefusedUnanswered() throws Exception {
        try (ShardServer server = ShardServer.start("pre-auth limited shard", CONF, "127.0.0.1", SECURITY);
             RawPeer peer = new RawPeer(server.address())) {
            String name = "h".repeat(LIMIT + 1 - (4 + 1 + 8 + 4 + 4));
            byte[] frame = FrameMutator.frame(new Hello(1, Message.PROTOCOL_VERSION, name));
            assertEquals(LIMIT + 1, frame.length, "the HELLO frame, length prefix included");
            peer.write(frame);
            try {
                Message m = peer.receive();
                throw new AssertionError("a HELLO of " + frame.length + " bytes before the handshake was answered: "
                        + m.type());
            } catch (EOFException | SocketException e) {
                // Closed without an answer.
            }
        }
    }

    /** The server's pipeline, as {@link ShardServer} builds it for a connection, on an embedded channel. */
    private static EmbeddedChannel newChannel(ShardService service) {
        DeltaArrays deltas = new DeltaArrays();
        return new EmbeddedChannel(new FrameDecoder(LIMIT, CONF.maxFrameBytes()), new MessageDecoder(deltas),
                MessageEncoder.INSTANCE, new ConnectionHandler("fuzzed shard", service, SECURITY, WAIT_MS, deltas));
    }

    /** Sends a correct HELLO on {@code ch} and returns the server's challenge. */
    private byte[] challenge(EmbeddedChannel ch, SplittableRandom random) {
        feed(ch, FrameMutator.frame(new Hello(1, Message.PROTOCOL_VERSION, "fuzzer")), random);
        List<Message> out = drainOutbound(ch);
        return assertInstanceOf(AuthChallenge.class, out.get(0)).serverNonce();
    }

    /** Feeds {@code in} to {@code ch}; returns the bytes that took to allocate on this thread. */
    private long fed(EmbeddedChannel ch, byte[] in, SplittableRandom random) {
        long before = FuzzFrames.allocatedHere();
        feed(ch, in, random);
        return FuzzFrames.allocatedHere() - before;
    }

    private byte[] mutant(FrameMutator mutator, SplittableRandom random) {
        byte[] b = mutator.mutate(random);
        trail = mutator.trail();
        return b;
    }

    /** A correct answer to the challenge {@code nonce}, mutated. */
    private byte[] mutatedResponse(byte[] nonce, SplittableRandom random) {
        byte[] clientNonce = SECURITY.nonce();
        AuthResponse correct = new AuthResponse(2, clientNonce,
                SECURITY.clientProof(nonce, clientNonce, PsSecurity.NO_BINDING));
        FrameMutator one = new FrameMutator(List.of(FrameMutator.frame(correct)));
        byte[] b = one.mutate(random);
        trail = "the correct AUTH_RESPONSE; " + one.trail();
        responseNonce = nonce;
        return b;
    }

    /** Whether the first frame of {@code in} is an AUTH_RESPONSE with a valid proof for {@code nonce}. */
    private boolean hasValidProof(byte[] in, byte[] nonce) {
        byte[] challenge = nonce != null ? nonce : responseNonce;
        List<Message> frames = FuzzFrames.cleanFrames(in, LIMIT);
        return !frames.isEmpty() && frames.get(0) instanceof AuthResponse r
                && SECURITY.isClientProof(r.proof(), challenge, r.clientNonce(), PsSecurity.NO_BINDING);
    }

    /** Feeds {@code in} in one to four pieces, as long as the channel stays open. */
    private void feed(EmbeddedChannel ch, byte[] in, SplittableRandom random) {
        int pieces = in.length < 2 ? 1 : 1 + random.nextInt(4);
        int from = 0;
        for (int k = 1; k <= pieces && ch.isOpen(); k++) {
            int to = k == pieces ? in.length : from + random.nextInt(in.length - from + 1);
            ByteBuf piece = ch.alloc().buffer(to - from).writeBytes(in, from, to - from);
            try {
                ch.writeInbound(piece);
            } catch (RuntimeException e) {
                throw new AssertionError(failure("an exception left the server's pipeline: " + e), e);
            }
            from = to;
        }
        ch.runPendingTasks();
    }

    /** Decodes and releases every frame the server wrote. */
    private static List<Message> drainOutbound(EmbeddedChannel ch) {
        List<Message> out = new ArrayList<>();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            try {
                out.add(MessageDecoder.decode(b.skipBytes(4)));
            } finally {
                b.release();
            }
        }
        return out;
    }

    private long checkAllocated(long allocated) {
        assertTrue(allocated <= MAX_ALLOCATED, failure("one input made the server allocate " + allocated
                + " bytes, over " + MAX_ALLOCATED + " (16 x the pre-handshake frame limit)"));
        return allocated;
    }

    private static void checkGuardedValue(PsClient client, ShardAddress address, int clock) {
        GuardedValue.check(client, address, RUN, clock);
    }

    private static Message call(PsClient client, ShardAddress address, LongFunction<Message> request) {
        return GuardedValue.call(client, address, request, "fuzzed shard");
    }

    private String failure(String what) {
        return what + "\n  " + FuzzFrames.describe(SEED, "petuum.fuzz.seed", input, trail, bytes);
    }

    /** Collects leak reports: unreachable tracked buffers are found when later ones are allocated. */
    private static void assertNoLeaks() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 64; i++) {
                ByteBufAllocator.DEFAULT.heapBuffer(8).release();
            }
        }
        assertTrue(leaks.isEmpty(), "leaked buffers: " + leaks);
    }
}
