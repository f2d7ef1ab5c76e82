package org.petuum.ps.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ps.PsConf;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.server.ShardServer;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.ByteBufAllocator;
import org.petuum.shaded.io.netty.buffer.ByteBufUtil;
import org.petuum.shaded.io.netty.buffer.Unpooled;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import org.petuum.shaded.io.netty.channel.embedded.EmbeddedChannel;
import org.petuum.shaded.io.netty.handler.codec.CorruptedFrameException;
import org.petuum.shaded.io.netty.handler.codec.DecoderException;
import org.petuum.shaded.io.netty.handler.codec.TooLongFrameException;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * A seeded mutation fuzzer for the wire decoders. The seeds are the frames of {@link CodecTest#samples()} (every
 * message type) and hand-made edge frames; {@link FrameMutator} stacks bit flips, boundary values, truncations,
 * splices and length or type changes on them. Every input must end in one of two ways: messages that survive
 * being encoded and decoded again, or a clean refusal ({@link ProtocolException}, {@link TooLongFrameException},
 * {@link CorruptedFrameException}). Anything else, a decode slower than 100 ms, one that allocates more than a
 * small multiple of its input, or a leaked buffer fails the test with the seed, the input number and its bytes.
 *
 * <p>Most inputs go straight to {@link MessageDecoder#decode} on a heap buffer, split into frames by the rule
 * {@link FrameDecoder} follows; one in {@value #PIPELINE_EVERY} also goes through the real pipeline on an
 * {@link EmbeddedChannel}, cut into random chunks, and must come out the same. A last part sends mutated frames
 * to a real {@link ShardServer} while a well-behaved client keeps using it.
 *
 * <p>{@code -Dpetuum.fuzz.seed=…} replays a run (the seed is printed); {@code -Dpetuum.fuzz.iterations=…}
 * sets how many inputs the decoder part runs (default 1,000,000).
 */
class FrameFuzzTest {
    private static final long SEED =
            Long.getLong("petuum.fuzz.seed", System.nanoTime() ^ System.currentTimeMillis() << 20);
    private static final long ITERATIONS = Long.getLong("petuum.fuzz.iterations", 1_000_000L);
    /** The frame limit of the pipeline under test, as a server configured with "64k" has it. */
    private static final int LIMIT = FrameLayout.MIN_FRAME_LIMIT;
    private static final int PIPELINE_EVERY = 100;
    private static final int LIVE_FRAMES = 2_000;
    /** Largest mutant kept as a starting point: small inputs keep the loop fast; the large seeds stay. */
    private static final int REMEMBERED_BYTES = 2048;
    /** Longest a single direct decode may take (checked twice before failing: the cores are shared). */
    private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Longest a pipeline pass may take: paranoid leak tracking records a stack trace at every buffer access. */
    private static final long SLOW_PIPELINE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Message types a shard answers without changing its tables or run; the live part sends only these. */
    private static final Set<MessageType> READ_ONLY = EnumSet.of(MessageType.HELLO, MessageType.HELLO_OK,
            MessageType.ERROR, MessageType.ACK, MessageType.GET_ROWS, MessageType.ROWS, MessageType.READ_RANGE);

    private static final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The input under test, for failure messages (also read by the timeout's message on another thread). */
    private volatile long iteration;
    private volatile byte[] input = new byte[0];
    private volatile String trail = "";

    @BeforeAll
    static void listenForLeaks() {
        ByteBufUtil.setLeakListener((resourceType, records) -> leaks.add(resourceType + ": " + records));
    }

    @AfterAll
    static void stopListening() {
        ByteBufUtil.setLeakListener(null);
    }

    /** How an input ended. */
    enum Outcome { DECODED, PROTOCOL_ERROR, TOO_LONG, INCOMPLETE }

    /** What the pipeline makes of an input: the messages before the first refusal, and how it ended. */
    record Result(List<Message> messages, Outcome end, Throwable refusal) {
    }

    // ---------------------------------------------------------------- decoders

    @Test
    void everyMutatedFrameDecodesToARoundTrippingMessageOrIsRefusedCleanly() {
        // At least 2,000 inputs a second even on a loaded machine (about 80,000 is usual); a decode that never
        // returns is reported with the input it is stuck on.
        Duration bound = Duration.ofSeconds(Math.max(300, ITERATIONS / 2_000));
        assertTimeoutPreemptively(bound, this::fuzzDecoders,
                () -> "the decoders did not finish within " + bound + "; " + describeInput("running"));
        assertNoLeaks();
    }

    private void fuzzDecoders() {
        List<byte[]> seeds = FrameMutator.seedFrames(CodecTest.samples());
        FrameMutator mutator = new FrameMutator(seeds);
        SplittableRandom random = new SplittableRandom(SEED);
        long[] outcomes = new long[Outcome.values().length];
        Map<String, Long> refusals = new TreeMap<>();
        long messages = 0;
        long pipelineRuns = 0;
        long pipelineNanos = 0;
        long deliveredBehindRefusal = 0;
        long bytes = 0;
        // Every seed once as it is, then the mutants.
        long start = System.nanoTime();
        for (long i = -seeds.size(); i < ITERATIONS; i++) {
            byte[] in = i < 0 ? seeds.get((int) (i + seeds.size())) : mutator.mutate(random);
            iteration = i;
            input = in;
            trail = i < 0 ? "seed " + (i + seeds.size()) + " unchanged" : mutator.trail();
            bytes += in.length;

            Result r = decodeDirect(in);
            outcomes[r.end().ordinal()]++;
            messages += r.messages().size();
            if (r.refusal() != null) {
                refusals.merge(refusalKind(r.refusal()), 1L, Long::sum);
            }
            for (Message m : r.messages()) {
                checkRoundTrip(m);
            }
            if (!r.messages().isEmpty() && i >= 0 && in.length <= REMEMBERED_BYTES) {
                mutator.remember(in, random);
            }
            if (i % PIPELINE_EVERY == 0) {
                long t0 = System.nanoTime();
                deliveredBehindRefusal += decodeThroughPipeline(in, r, random);
                pipelineNanos += System.nanoTime() - t0;
                pipelineRuns++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long total = ITERATIONS + seeds.size();
        System.out.printf("frame fuzz: seed=%d (replay with -Dpetuum.fuzz.seed=%d), %d seeds%n", SEED, SEED,
                seeds.size());
        System.out.printf("frame fuzz: %,d inputs (%,d bytes) in %.1f s = %,.0f executions/s; %,d of them also"
                + " through the pipeline, in %.1f s of the total%n", total, bytes, seconds, total / seconds,
                pipelineRuns, pipelineNanos / 1e9);
        System.out.printf("frame fuzz: %,d messages decoded and round-tripped; %,d passed on by the pipeline behind"
                + " a refused frame (for the connection handler to drop)%n", messages, deliveredBehindRefusal);
        for (Outcome o : Outcome.values()) {
            System.out.printf("frame fuzz:   %-15s %,10d%n", o, outcomes[o.ordinal()]);
        }
        refusals.forEach((kind, n) -> System.out.printf("frame fuzz:     refused: %-28s %,10d%n", kind, n));
        assertTrue(outcomes[Outcome.DECODED.ordinal()] > total / 100, "too few mutants decode to exercise messages");
        assertTrue(outcomes[Outcome.PROTOCOL_ERROR.ordinal()] > total / 100, "too few mutants reach the decoders");
    }

    /**
     * Splits {@code bytes} into frames as {@link FrameDecoder} does (4-byte length, limit {@value #LIMIT} with the
     * prefix) and decodes each body with {@link MessageDecoder#decode}, stopping at the first refusal as a
     * connection does. Fails on anything but a message or a {@link ProtocolException}.
     */
    private Result decodeDirect(byte[] bytes) {
        ByteBuf whole = Unpooled.wrappedBuffer(bytes);
        try {
            return decodeFrames(bytes, whole);
        } finally {
            if (bytes.length > 0 && (!whole.release() || whole.refCnt() != 0)) {
                throw failure("the decoder retained or released the frame buffer (refCnt " + whole.refCnt()
                        + " after our release)", null);
            }
        }
    }

    private Result decodeFrames(byte[] bytes, ByteBuf whole) {
        List<Message> out = new ArrayList<>(2);
        int pos = 0;
        while (true) {
            int left = bytes.length - pos;
            if (left < FrameLayout.LENGTH_BYTES) {
                return new Result(out, left == 0 ? Outcome.DECODED : Outcome.INCOMPLETE, null);
            }
            // Unsigned, as Netty reads a 4-byte length field: a "negative" length is a frame too long.
            long announced = whole.getUnsignedInt(pos + FrameLayout.LENGTH_OFFSET);
            if (FrameLayout.frameBytesOf(announced) > LIMIT) {
                return new Result(out, Outcome.TOO_LONG, null);
            }
            int length = (int) announced;
            int body = pos + FrameLayout.LENGTH_BYTES;
            if (left - FrameLayout.LENGTH_BYTES < length) {
                return new Result(out, Outcome.INCOMPLETE, null);
            }
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            Message m = null;
            Throwable thrown = null;
            try {
                m = MessageDecoder.decode(whole.slice(body, length));
            } catch (Throwable e) {
                thrown = e;
            }
            long nanos = System.nanoTime() - t0;
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            if (thrown != null && !(thrown instanceof ProtocolException)) {
                throw failure("decoding frame at offset " + pos + " threw " + thrown.getClass().getName()
                        + " instead of a ProtocolException", thrown);
            }
            // Decoded objects cost a bounded multiple of the bytes they came from; more means a length field was
            // trusted before it was checked. A first use (class loading, the first exception of a kind) costs more
            // once, and the cores are shared: an input is measured again before it fails.
            long maxAllocated = 64L * length + (64 << 10);
            if (nanos > SLOW_NANOS || allocated > maxAllocated) {
                long[] again = measureDecode(whole.slice(body, length));
                if (again[0] > SLOW_NANOS) {
                    throw failure("decoding frame at offset " + pos + " took " + nanos / 1_000_000 + " ms, then "
                            + again[0] / 1_000_000 + " ms", null);
                }
                if (again[1] > maxAllocated) {
                    throw failure("decoding a frame of " + length + " bytes allocated " + allocated
                            + " bytes, then " + again[1], null);
                }
            }
            if (thrown != null) {
                return new Result(out, Outcome.PROTOCOL_ERROR, thrown);
            }
            out.add(m);
            pos = body + length;
        }
    }

    /** Nanoseconds and bytes allocated to decode {@code body} once more. */
    private static long[] measureDecode(ByteBuf body) {
        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        try {
            MessageDecoder.decode(body);
        } catch (Throwable e) {
            // Only the cost matters here; the first attempt judged the outcome.
        }
        return new long[] {System.nanoTime() - t0, THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore};
    }

    /** A decoded message must encode to exactly {@link Message#encodedLength()} bytes and decode back equal. */
    private void checkRoundTrip(Message m) {
        Message again;
        try {
            byte[] frame = new byte[(int) FrameLayout.frameBytes(m)];
            ByteBuf out = Unpooled.wrappedBuffer(frame).clear();
            MessageEncoder.encode(m, out);
            int prefix = out.getInt(FrameLayout.LENGTH_OFFSET);
            if (out.writerIndex() != frame.length || prefix != FrameLayout.lengthPrefix(frame.length)) {
                throw failure("re-encoding " + m.type() + " wrote " + out.writerIndex() + " bytes with prefix "
                        + prefix + ", expected " + frame.length, null);
            }
            again = MessageDecoder.decode(Unpooled.wrappedBuffer(frame, FrameLayout.LENGTH_BYTES,
                    FrameLayout.lengthPrefix(frame.length)));
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable e) {
            throw failure("the decoded " + m.type() + " did not survive encode and decode: " + e, e);
        }
        if (!m.equals(again) || m.hashCode() != again.hashCode()) {
            throw failure("round trip changed the message: decoded " + abbreviate(m) + ", re-decoded "
                    + abbreviate(again), null);
        }
    }

    /**
     * The real pipeline, fed {@code bytes} in random chunks, must do what {@link #decodeDirect} did up to and
     * including the first refusal. Behind it the frame splitter may still pass on frames it already holds (the
     * connection handler drops them, see ConnectionHandler's CLOSING state): they must be clean too.
     *
     * @return how many messages the pipeline delivered behind a refusal
     */
    private int decodeThroughPipeline(byte[] bytes, Result expected, SplittableRandom random) {
        Events events = new Events();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMIT), new MessageDecoder(), events);
        List<ByteBuf> chunks = chunks(ch.alloc(), bytes, random);
        long t0 = System.nanoTime();
        boolean openAfterInput;
        try {
            for (ByteBuf chunk : chunks) {
                if (ch.isOpen()) {
                    ch.writeInbound(chunk);
                } else {
                    chunk.release(); // the connection was closed: these bytes are never read
                }
            }
            openAfterInput = ch.isOpen();
            ch.finish();
        } catch (Throwable e) {
            throw failure("the pipeline threw " + e, e);
        } finally {
            ch.finishAndReleaseAll();
        }
        long nanos = System.nanoTime() - t0;
        for (ByteBuf chunk : chunks) {
            if (chunk.refCnt() != 0) {
                throw failure("the pipeline leaked an input chunk (refCnt " + chunk.refCnt() + ")", null);
            }
        }
        if (nanos > SLOW_PIPELINE_NANOS) {
            throw failure("the pipeline took " + nanos / 1_000_000 + " ms", null);
        }
        List<Message> before = new ArrayList<>();
        Throwable first = null;
        int behind = 0;
        for (Object e : events.seen) {
            if (e instanceof Throwable t) {
                if (clean(t) == null) {
                    throw failure("the pipeline raised " + t + ", not a clean protocol error", t);
                }
                first = first == null ? clean(t) : first;
            } else if (first == null) {
                before.add((Message) e);
            } else {
                behind++;
            }
        }
        if (!before.equals(expected.messages())) {
            throw failure("the pipeline delivered " + abbreviate(before) + " but direct decoding gave "
                    + abbreviate(expected.messages()), null);
        }
        Outcome end = expected.end();
        Outcome got = first == null ? null : first instanceof TooLongFrameException ? Outcome.TOO_LONG
                : first instanceof ProtocolException ? Outcome.PROTOCOL_ERROR : null;
        boolean refused = end == Outcome.PROTOCOL_ERROR || end == Outcome.TOO_LONG;
        if (refused ? got != end || openAfterInput : first != null || !openAfterInput) {
            throw failure("direct decoding ended " + end + " but the pipeline " + (first == null ? "did not refuse"
                    : "refused with " + first) + ", channel open after the input: " + openAfterInput, first);
        }
        if (end == Outcome.PROTOCOL_ERROR && !first.getMessage().equals(expected.refusal().getMessage())) {
            throw failure("the pipeline refused with '" + first.getMessage() + "', direct decoding with '"
                    + expected.refusal().getMessage() + "'", null);
        }
        return behind;
    }

    /** Copies of {@code bytes} in 1 to 9 random pieces, or one byte at a time for small inputs. */
    private static List<ByteBuf> chunks(ByteBufAllocator alloc, byte[] bytes, SplittableRandom random) {
        List<Integer> cuts = new ArrayList<>();
        if (bytes.length <= 512 && random.nextInt(10) == 0) {
            for (int i = 1; i < bytes.length; i++) {
                cuts.add(i);
            }
        } else if (bytes.length > 1) {
            for (int k = random.nextInt(9); k > 0; k--) {
                cuts.add(1 + random.nextInt(bytes.length - 1));
            }
            Collections.sort(cuts);
        }
        cuts.add(bytes.length);
        List<ByteBuf> chunks = new ArrayList<>(cuts.size());
        int from = 0;
        for (int to : cuts) {
            if (to > from) {
                chunks.add(alloc.heapBuffer(to - from).writeBytes(bytes, from, to - from));
                from = to;
            }
        }
        if (chunks.isEmpty()) {
            chunks.add(alloc.heapBuffer(0));
        }
        return chunks;
    }

    /** The protocol error inside {@code e}, or null if it is not one. */
    private static Throwable clean(Throwable e) {
        if (e instanceof TooLongFrameException || e instanceof CorruptedFrameException
                || e instanceof ProtocolException) {
            return e;
        }
        if (e instanceof DecoderException && e.getCause() instanceof ProtocolException p) {
            return p;
        }
        return null;
    }

    /** A short name for the kind of a refusal, for the summary. */
    private static String refusalKind(Throwable e) {
        String s = e.getMessage();
        String[][] kinds = {
            {"frame type", "empty frame"}, {"unknown message type", "unknown type"},
            {"truncated body", "truncated (bounds check)"}, {"truncated", "truncated"},
            {"trailing bytes", "trailing bytes"}, {"string of", "string too long"},
            {"not UTF-8", "string not UTF-8"}, {"count ", "count beyond the frame"},
            {"column ", "column out of range"}, {"row width", "row width"}, {"dense row", "dense row beyond the frame"},
            {"row kind", "row kind"}, {"error code", "error code"}, {"proof", "proof length"},
            {"table", "table spec"}, {"consistency", "table spec"}};
        for (String[] k : kinds) {
            if (s.contains(k[0])) {
                return k[1];
            }
        }
        return "other";
    }

    /** Records, in order, what reaches the end of the pipeline; an error closes the channel, as the server does. */
    private static final class Events extends ChannelInboundHandlerAdapter {
        final List<Object> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
            ctx.close();
        }
    }

    // ---------------------------------------------------------------- a live server

    private static final PsConf CONF = PsConf.from(Map.of(
            PsConf.IO_THREADS, "1",
            PsConf.MAX_FRAME_BYTES, "64k",
            PsConf.CONNECT_TIMEOUT, "5s",
            PsConf.REQUEST_TIMEOUT, "5s",
            PsConf.READ_TIMEOUT, "5s"));
    private static final long RUN = 3;
    private static final int TABLE = 0;
    private static final long WAIT_MS = 5_000;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shardServerKeepsServingAWellBehavedClientWhileFedMutatedFrames() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        try (ShardServer server = ShardServer.start("fuzzed shard", CONF, "127.0.0.1");
             PsClient client = new PsClient("well-behaved client", CONF)) {
            ShardAddress address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
            LongFunction<Message> create = seq -> new CreateTable(seq, TABLE, TableSpec.dense("guarded", 2, 3), 0, 1);
            assertInstanceOf(Ack.class, call(client, address, create));
            assertInstanceOf(Ack.class, call(client, address, seq -> new BeginRun(seq, RUN, 1, 0, 1)));
            ShardConnection good = client.connection(address);

            FrameMutator mutator = new FrameMutator(FrameMutator.seedFrames(CodecTest.samples()));
            SplittableRandom random = new SplittableRandom(SEED ^ 0x5DEECE66DL);
            int sent = 0;
            int withheld = 0;
            int clock = 0;
            long start = System.nanoTime();
            while (sent < LIVE_FRAMES) {
                byte[] in = mutator.mutate(random);
                iteration = sent;
                input = in;
                trail = mutator.trail();
                Result r = decodeDirect(in);
                if (r.messages().stream().anyMatch(m -> !READ_ONLY.contains(m.type()))) {
                    withheld++; // a well-formed request that changes the shard would change what the client reads
                    continue;
                }
                sendAndHangUp(server.address(), in, random.nextInt(10) != 0);
                sent++;
                if (sent % 100 == 0) {
                    checkGuardedValue(client, address, clock++);
                    assertSame(good, client.connection(address), "the good client's connection was replaced");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            checkGuardedValue(client, address, clock);
            System.out.printf("frame fuzz, live server: %,d mutated frames sent on their own connections in %.1f s"
                    + " (%,.0f/s); %,d withheld because they decode to requests that change the shard%n",
                    sent, seconds, sent / seconds, withheld);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.waitingReads() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, server.waitingReads(), "reads of closed connections still held");
        }
        System.gc();
        long grown = memory.getHeapMemoryUsage().getUsed() - heapBefore;
        assertTrue(grown < 256L << 20, "the heap grew by " + (grown >> 20) + " MiB");
        assertNoLeaks();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void requestBehindARefusedFrameInTheSameReadIsNotCarriedOut() throws Exception {
        try (ShardServer server = ShardServer.start("fuzzed shard", CONF, "127.0.0.1");
             PsClient client = new PsClient("well-behaved client", CONF)) {
            ShardAddress address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
            LongFunction<Message> create = seq -> new CreateTable(seq, TABLE, TableSpec.dense("guarded", 2, 3), 0, 1);
            assertInstanceOf(Ack.class, call(client, address, create));
            assertInstanceOf(Ack.class, call(client, address, seq -> new BeginRun(seq, RUN, 1, 0, 1)));
            byte[] refused = {0, 0, 0, 9, 99, 0, 0, 0, 0, 0, 0, 0, 2}; // a frame of unknown type 99
            byte[] behind = FrameMutator.frame(new PutRows(3, TABLE, new int[] {0},
                    new RowValues[] {DenseRow.wrap(new double[] {7, 7, 7})}));
            byte[] both = new byte[refused.length + behind.length];
            System.arraycopy(refused, 0, both, 0, refused.length);
            System.arraycopy(behind, 0, both, refused.length, behind.length);
            input = both;
            trail = "unknown type, then PUT_ROWS of row 0, in one write";

            sendAndHangUp(server.address(), both, true);

            RowValues[] row0 = assertInstanceOf(Rows.class,
                    call(client, address, seq -> new ReadRange(seq, TABLE, 0, 1))).snapshot().values();
            assertEquals(0, row0.length, "the PUT_ROWS sent behind a refused frame was carried out");
        }
    }

    /** One connection: optionally the handshake, then {@code bytes}, then end of input and wait for the close. */
    private void sendAndHangUp(InetSocketAddress server, byte[] bytes, boolean greet) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, (int) WAIT_MS);
            s.setSoTimeout((int) WAIT_MS);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            try {
                if (greet) {
                    s.getOutputStream().write(FrameMutator.frame(new Hello(1, Message.PROTOCOL_VERSION, "fuzzer")));
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    ByteBuf b = Unpooled.wrappedBuffer(body);
                    assertInstanceOf(HelloOk.class, MessageDecoder.decode(b), "the answer to HELLO");
                    b.release();
                }
                s.getOutputStream().write(bytes);
                s.shutdownOutput();
                byte[] discard = new byte[4096];
                while (in.read(discard) != -1) {
                    // Whatever the server answered before it closed.
                }
            } catch (SocketTimeoutException e) {
                throw failure("the server neither answered nor closed within " + WAIT_MS + " ms", e);
            } catch (SocketException e) {
                // A reset: the server closed while bytes of ours were unread. Closed either way.
            }
        }
    }

    /** Worker 0 adds (1, 1/2, 1/4) to row 1 at each clock; after clock c the row must be exactly (c+1) times it. */
    private static void checkGuardedValue(PsClient client, ShardAddress address, int clock) {
        RowUpdate u = new RowUpdate(TABLE, 1, DenseRow.wrap(new double[] {1, 0.5, 0.25}));
        Ack ack = assertInstanceOf(Ack.class, call(client, address, seq -> new Flush(seq, RUN, 0, clock, List.of(u))));
        assertTrue(ack.applied(), "flush of clock " + clock);
        Rows rows = assertInstanceOf(Rows.class,
                call(client, address, seq -> new GetRows(seq, TABLE, clock + 1, 0, clock + 1, WAIT_MS, new int[] {1})));
        double n = clock + 1;
        assertEquals(DenseRow.wrap(new double[] {n, n / 2, n / 4}), rows.snapshot().values()[0],
                "row 1 after clock " + clock);
        RowValues[] untouched = assertInstanceOf(Rows.class,
                call(client, address, seq -> new ReadRange(seq, TABLE, 0, 1))).snapshot().values();
        assertEquals(0, untouched.length, "row 0 was never written");
    }

    private static Message call(PsClient client, ShardAddress address, LongFunction<Message> request) {
        return PsClient.await(client.connection(address).send(request).answer(), WAIT_MS, () -> "fuzzed shard");
    }

    // ---------------------------------------------------------------- helpers

    /** Collects leak reports: unreachable tracked buffers are found when later ones are allocated. */
    private static void assertNoLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            for (int i = 0; i < 64; i++) {
                ByteBufAllocator.DEFAULT.heapBuffer(8).release();
            }
        }
        assertTrue(leaks.isEmpty(), "leaked buffers: " + leaks);
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() <= 1000 ? s : s.substring(0, 1000) + "… (" + s.length() + " characters)";
    }

    private AssertionError failure(String what, Throwable cause) {
        return new AssertionError(describeInput(what), cause);
    }

    private String describeInput(String what) {
        byte[] in = input;
        String hex = in.length <= 8192 ? ByteBufUtil.hexDump(in)
                : ByteBufUtil.hexDump(in, 0, 8192) + "… (" + in.length + " bytes in all)";
        return what + "\n  seed " + SEED + " (replay with -Dpetuum.fuzz.seed=" + SEED + "), input " + iteration
                + "\n  mutations: " + trail + "\n  input (" + in.length + " bytes): " + hex;
    }
}
