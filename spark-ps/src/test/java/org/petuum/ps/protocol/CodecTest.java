package org.petuum.ps.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.Unpooled;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import org.petuum.shaded.io.netty.channel.embedded.EmbeddedChannel;
import org.petuum.shaded.io.netty.handler.codec.TooLongFrameException;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableSpec;
import org.petuum.ssp.UpdateRule;

/**
 * The wire codec on {@link EmbeddedChannel}s (no sockets): every message type survives encode and decode,
 * and every malformed frame is refused by closing its connection with an exception that names the problem.
 */
class CodecTest {
    private static final int LIMIT = 64 * 1024;

    /** Every channel a test opened; each must end with nothing left in it. */
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    // ---------------------------------------------------------------- round trips

    /** One or more cases per message type; {@link #everyMessageTypeHasARoundTripCase} keeps it complete. */
    static List<Message> samples() {
        DenseRow dense = DenseRow.wrap(new double[] {1.5, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.MIN_VALUE, -1e300, 0.0});
        SparseRow sparse = SparseRow.of(1_000_000, new int[] {0, 999_999, 42}, new double[] {-2.25, 7, 1e-300});
        SparseRow emptySparse = SparseRow.empty(10);
        return List.of(
                new Hello(1, Message.PROTOCOL_VERSION, "executor 7 – wörker ß 测试 🚀"),
                new Hello(Long.MAX_VALUE, -1, ""),
                new HelloOk(2, Message.PROTOCOL_VERSION, "shard on executor 3 (Zürich)"),
                new ErrorResponse(3, ErrorResponse.Code.BAD_REQUEST, "table 'w': row 9 outside [0, 4) — ümlaut"),
                new ErrorResponse(4, ErrorResponse.Code.TIMEOUT, "worker 1 at clock 5 waited 300 ms"),
                new ErrorResponse(5, ErrorResponse.Code.INTERNAL, ""),
                new Ack(6, true),
                new Ack(-7, false),
                new CreateTable(8, 0, TableSpec.dense("weights", 100, 16), 1, 3),
                new CreateTable(9, 12, TableSpec.sparse("topic-word_counts.v2", 1 << 20, 1 << 30)
                        .consistency(Consistency.ssp(3)), 0, 1),
                new CreateTable(10, 13, TableSpec.dense("a", 1, 1).consistency(Consistency.async()), 4, 5),
                new CreateTable(11, 16, TableSpec.dense("auto", 2, 3).consistency(Consistency.sspAuto(4)), 0, 1),
                new CreateTable(27, 14, TableSpec.dense("adagrad-weights", 3, 50).staleness(2)
                        .updateRule(UpdateRule.adaGrad(0.1, 1e-8)), 0, 2),
                new CreateTable(28, 15, TableSpec.sparse("adam-embeddings", 1000, 1 << 24)
                        .updateRule(UpdateRule.adam(1e-3, 0.9, 0.999, Double.MIN_VALUE)), 1, 2),
                new DropTable(11, 12),
                new BeginRun(12, 99L << 33, 64, 2, 3),
                new BeginRun(23, 7, 4, 0, 2, 30, 10, 3, true),
                new Flush(13, 5, 2, 17, List.of(
                        new RowUpdate(0, 3, dense),
                        new RowUpdate(12, (1 << 20) - 1, sparse),
                        new RowUpdate(12, 4, emptySparse))),
                new Flush(14, 5, 0, 0, List.of()),
                new Flush(29, 5, 3, 8, List.of(new RowUpdate(0, 3, dense)), true),
                new Flush(30, 5, 0, 0, List.of(), true),
                new GetRows(15, 0, 42, 1, 44, 300, new int[] {0, 3, 6, Integer.MAX_VALUE}),
                new GetRows(16, -1, Long.MIN_VALUE, 0, 0, 0, new int[0]),
                new AwaitClock(31, false, 7, 1, 6, 300),
                new AwaitClock(32, true, Long.MIN_VALUE, 0, 0, 0),
                new Rows(17, new RowsSnapshot(0, 7, new int[] {3, 9}, new RowValues[] {dense, dense.copy()})),
                new Rows(18, new RowsSnapshot(12, -1, new int[] {1, 2}, new RowValues[] {sparse, emptySparse})),
                new Rows(19, new RowsSnapshot(-1, 0, new int[0], new RowValues[0])),
                new ReadRange(20, 0, 0, Integer.MAX_VALUE),
                new PutRows(21, 0, new int[] {0, 5}, new RowValues[] {dense, sparse}),
                new PutRows(22, 3, new int[0], new RowValues[0]),
                new Restore(24, 3, 9, 20),
                new RowPush(3, 41, new RowsSnapshot(0, 9, new int[] {3, 9}, new RowValues[] {dense, dense.copy()})),
                new RowPush(3, -1, new RowsSnapshot(12, 0, new int[0], new RowValues[0])),
                new Update(25, 5, 1, 7, List.of(new RowUpdate(0, 3, dense), new RowUpdate(12, 4, sparse))),
                new Update(26, 5, 0, 0, List.of()),
                new Rows(27, 31, new RowsSnapshot(0, 7, new int[] {3}, new RowValues[] {dense})),
                new HelloOk(25, Message.PROTOCOL_VERSION, "shard that proved itself", filled(AuthResponse.PROOF_BYTES, 7)),
                new AuthChallenge(26, filled(AuthChallenge.NONCE_BYTES, -128)),
                new AuthResponse(Long.MIN_VALUE, filled(AuthChallenge.NONCE_BYTES, 0),
                        filled(AuthResponse.PROOF_BYTES, 127)));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void messageSurvivesEncodeAndDecode(Message original) {
        EmbeddedChannel sender = channel(LIMIT);
        EmbeddedChannel receiver = channel(LIMIT);

        assertTrue(sender.writeOutbound(original));
        ByteBuf frame = sender.readOutbound();
        assertNull(sender.readOutbound(), "one message must make exactly one frame");
        // Literal on purpose: the wire format itself, checked independently of FrameLayout.
        assertEquals(4 + 1 + original.encodedLength(), frame.readableBytes(), "frame size");
        assertEquals(frame.readableBytes() - 4, frame.getInt(frame.readerIndex()), "length prefix");
        assertEquals(original.type().id(), frame.getByte(frame.readerIndex() + 4), "type byte");

        assertTrue(receiver.writeInbound(frame));
        assertEquals(0, frame.refCnt(), "the decoder must release the frame it consumed");
        Message decoded = receiver.readInbound();
        assertEquals(original, decoded);
        assertEquals(original.type(), decoded.type());
        assertEquals(original.requestId(), decoded.requestId());
        assertNull(receiver.readInbound());
        assertTrue(receiver.isOpen());
    }

    @Test
    void frameLayoutNamesTheWireFormatOfThisProtocolVersion() {
        // Literal on purpose: changing any of these changes the wire, which needs a new protocol version.
        assertEquals(5, Message.PROTOCOL_VERSION); // 5: dense row values little-endian (DenseWireTest)
        assertEquals(0, FrameLayout.LENGTH_OFFSET);
        assertEquals(4, FrameLayout.LENGTH_BYTES);
        assertEquals(4, FrameLayout.TYPE_OFFSET);
        assertEquals(1, FrameLayout.TYPE_BYTES);
        assertEquals(5, FrameLayout.BODY_OFFSET);
        assertEquals(5, FrameLayout.HEADER_BYTES);
        assertEquals(8, FrameLayout.REQUEST_ID_BYTES);
        assertEquals(64 * 1024, FrameLayout.HANDSHAKE_FRAME_BYTES);

        Ack ack = new Ack(7, true);
        ByteBuf frame = encode(ack);
        assertEquals(FrameLayout.frameBytes(ack), frame.readableBytes());
        assertEquals(FrameLayout.lengthPrefix(frame.readableBytes()), frame.getInt(FrameLayout.LENGTH_OFFSET));
        assertEquals(FrameLayout.frameBytesOf(frame.getInt(FrameLayout.LENGTH_OFFSET)), frame.readableBytes());
        assertEquals(MessageType.ACK.id(), frame.getByte(FrameLayout.TYPE_OFFSET));
        assertEquals(7, frame.getLong(FrameLayout.BODY_OFFSET), "the request id opens the body");
        frame.release();
    }

    @Test
    void everyMessageTypeHasARoundTripCase() {
        Set<MessageType> covered = samples().stream().map(Message::type)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(MessageType.class)));
        Set<MessageType> missing = EnumSet.allOf(MessageType.class);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "message types without a round-trip case in samples(): " + missing);
    }

    @Test
    void messageTypeIdsAreTheOnesOnTheWire() {
        // The ids are protocol: a renumbering breaks every peer built before it.
        Map<MessageType, Integer> expected = Map.ofEntries(
                Map.entry(MessageType.HELLO, 1), Map.entry(MessageType.HELLO_OK, 2), Map.entry(MessageType.ERROR, 3),
                Map.entry(MessageType.ACK, 4), Map.entry(MessageType.CREATE_TABLE, 5),
                Map.entry(MessageType.DROP_TABLE, 6), Map.entry(MessageType.BEGIN_RUN, 7),
                Map.entry(MessageType.FLUSH, 8), Map.entry(MessageType.GET_ROWS, 9), Map.entry(MessageType.ROWS, 10),
                Map.entry(MessageType.READ_RANGE, 11), Map.entry(MessageType.PUT_ROWS, 12),
                Map.entry(MessageType.AUTH_CHALLENGE, 13), Map.entry(MessageType.AUTH_RESPONSE, 14),
                Map.entry(MessageType.RESTORE, 15), Map.entry(MessageType.ROW_PUSH, 16),
                Map.entry(MessageType.UPDATE, 17), Map.entry(MessageType.LAST_FLUSH, 18),
                Map.entry(MessageType.AWAIT_CLOCK, 19));
        for (MessageType t : MessageType.values()) {
            assertEquals(expected.get(t), (int) t.id(), "id of " + t + " (a new type needs a new, unused id here)");
            assertEquals(t, MessageType.of(t.id()));
        }
    }

    @Test
    void framesSplitAcrossReadsAndBatchedInOneReadAreReassembled() {
        List<Message> all = samples();
        ByteBuf stream = Unpooled.buffer();
        for (Message m : all) {
            MessageEncoder.encode(m, stream);
        }
        EmbeddedChannel receiver = channel(LIMIT);
        // Odd-sized chunks cut through length prefixes, type bytes and bodies alike.
        int chunk = 7;
        while (stream.isReadable()) {
            receiver.writeInbound(stream.readRetainedSlice(Math.min(chunk, stream.readableBytes())));
            chunk = chunk * 3 % 101 + 1;
        }
        stream.release();
        for (Message m : all) {
            assertEquals(m, receiver.readInbound());
        }
        assertNull(receiver.readInbound());
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() {
        // The limit counts the whole frame, the length prefix included; HELLO's body is its request id, protocol
        // version and the name's length, then the name.
        Hello hello = new Hello(1, 1, "x".repeat(LIMIT - FrameLayout.HEADER_BYTES - FrameLayout.REQUEST_ID_BYTES
                - 4 - 4));
        EmbeddedChannel receiver = channel(LIMIT);
        ByteBuf frame = encode(hello);
        assertEquals(LIMIT, frame.readableBytes());
        assertTrue(receiver.writeInbound(frame));
        assertEquals(hello, receiver.readInbound());
    }

    // ---------------------------------------------------------------- rejections

    @Test
    void declaredLengthAboveLimitIsRefusedBeforeTheBodyArrives() {
        EmbeddedChannel ch = channel(LIMIT);
        ErrorRecorder errors = recorder(ch);
        // Only the prefix is sent: the decoder must not wait for (or buffer) a body it will never accept.
        ByteBuf prefix = Unpooled.buffer(FrameLayout.HEADER_BYTES).writeInt(FrameLayout.lengthPrefix(LIMIT) + 1)
                .writeByte(MessageType.FLUSH.id());

        ch.writeInbound(prefix);

        assertEquals(0, prefix.refCnt());
        TooLongFrameException e = errors.single(TooLongFrameException.class);
        assertTrue(e.getMessage().contains(String.valueOf(LIMIT)), e.getMessage());
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());
    }

    @Test
    void hugeDeclaredLengthIsRefusedAtOnce() {
        EmbeddedChannel ch = channel(LIMIT);
        ErrorRecorder errors = recorder(ch);

        ch.writeInbound(Unpooled.buffer(4).writeInt(1 << 30));

        TooLongFrameException e = errors.single(TooLongFrameException.class);
        assertTrue(e.getMessage().contains(String.valueOf((1 << 30) + 4)), e.getMessage());
        assertFalse(ch.isOpen());
    }

    @Test
    void rejectionClosesOnlyTheChannelItArrivedOn() {
        EmbeddedChannel bad = channel(LIMIT);
        EmbeddedChannel good = channel(LIMIT);
        recorder(bad);
        recorder(good);

        bad.writeInbound(Unpooled.buffer(4).writeInt(1 << 30));
        good.writeInbound(encode(new Ack(1, true)));

        assertFalse(bad.isOpen());
        assertTrue(good.isOpen());
        assertEquals(new Ack(1, true), good.readInbound());
    }

    @Test
    void getRowsWhoseRowCountPromisesMoreThanTheFrameHoldsIsRefused() {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(MessageType.GET_ROWS.id());
        body.writeLong(1).writeInt(0).writeLong(0).writeInt(0).writeInt(0).writeLong(100);
        body.writeInt(1000); // 1000 rows promised ...
        body.writeInt(1).writeInt(2); // ... two delivered

        ProtocolException e = rejectBody(body);

        assertMentions(e, "GET_ROWS", "count 1000", "4000 bytes", "only 8 remain");
    }

    @Test
    void truncatedFixedSizeBodyIsRefused() {
        ByteBuf body = Unpooled.buffer().writeByte(MessageType.BEGIN_RUN.id()).writeLong(1).writeLong(2);

        ProtocolException e = rejectBody(body);

        assertMentions(e, "BEGIN_RUN", "truncated", "needs 45 bytes", "only 16 remain");
    }

    @Test
    void emptyFrameIsRefused() {
        ProtocolException e = rejectBody(Unpooled.buffer(0));

        assertMentions(e, "frame type");
    }

    @Test
    void unknownTypeIdIsRefusedNamingTheId() {
        ProtocolException e = rejectBody(Unpooled.buffer().writeByte(99).writeLong(1));

        assertMentions(e, "unknown message type id 99");
    }

    @Test
    void negativeTypeIdIsRefusedNamingTheId() {
        ProtocolException e = rejectBody(Unpooled.buffer().writeByte(-128));

        assertMentions(e, "unknown message type id -128");
    }

    @Test
    void trailingBytesAreRefused() {
        ByteBuf frame = encode(new Ack(5, true));
        ByteBuf body = Unpooled.buffer();
        body.writeBytes(withoutPrefix(frame));
        frame.release();
        body.writeByte(0).writeByte(0).writeByte(0);

        ProtocolException e = rejectBody(body);

        assertMentions(e, "ACK", "3 trailing bytes");
    }

    @Test
    void denseRowWiderThanTheRemainingBytesIsRefusedWithoutAllocatingIt() {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(MessageType.FLUSH.id());
        body.writeLong(1).writeLong(7).writeInt(0).writeInt(0);
        body.writeInt(1); // one update
        body.writeInt(0).writeInt(0); // table 0, row 0
        body.writeByte(0).writeInt(1 << 30); // a dense row of 2^30 columns (8 GiB) ...
        body.writeDouble(1).writeDouble(2); // ... of which 16 bytes follow

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        ProtocolException e = rejectBody(body);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;

        assertMentions(e, "FLUSH", "dense row of 1073741824 columns", "needs 8589934592 bytes", "only 16 remain");
        assertTrue(allocated < 16L << 20, "refusing the row allocated " + allocated + " bytes");
    }

    @Test
    void sparseRowWithColumnOutsideItsWidthIsRefused() {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(MessageType.ROWS.id());
        body.writeLong(1).writeLong(1).writeInt(0).writeLong(0); // request id, watermark, table, version
        body.writeInt(1); // one row
        body.writeInt(0); // row id
        body.writeByte(1).writeInt(10).writeInt(1).writeInt(10).writeDouble(1); // sparse, width 10, column 10

        ProtocolException e = rejectBody(body);

        assertMentions(e, "ROWS", "column 10 outside [0, 10)");
    }

    @Test
    void stringLongerThanTheStringLimitIsRefused() {
        int n = Codec.MAX_STRING_BYTES + 1;
        ByteBuf body = Unpooled.buffer();
        body.writeByte(MessageType.HELLO.id()).writeLong(1).writeInt(1).writeInt(n).writeZero(n);

        ProtocolException e = rejectBody(body);

        assertMentions(e, "HELLO", "string of " + n + " bytes");
    }

    @Test
    void invalidTableSpecIsRefusedNamingTheField() {
        ByteBuf frame = encode(new CreateTable(1, 0, TableSpec.dense("t", 4, 4), 0, 1));
        // Overwrite the spec's row count (after the frame header, request id, table id, name) with 0.
        frame.setInt(FrameLayout.BODY_OFFSET + FrameLayout.REQUEST_ID_BYTES + 4 + 4 + 1 + 1, 0);
        ByteBuf body = withoutPrefix(frame);

        ProtocolException e = rejectBody(body);

        assertMentions(e, "CREATE_TABLE", "rows : 0");
    }

    @Test
    void invalidUpdateRuleIsRefusedNamingTheParameterOrTheKind() {
        ByteBuf frame = encode(new CreateTable(1, 0, TableSpec.dense("t", 4, 4)
                .updateRule(UpdateRule.adaGrad(0.1, 1e-8)), 0, 1));
        // The spec ends with the rule: kind byte, learning rate, epsilon; then the shard layout (two ints).
        int lrAt = frame.writerIndex() - 8 - 16;
        frame.setDouble(lrAt, -1);
        assertMentions(rejectBody(withoutPrefix(frame).retain()),
                "CREATE_TABLE", "learningRate : -1.0");
        frame.setByte(lrAt - 1, 7);
        assertMentions(rejectBody(withoutPrefix(frame)), "CREATE_TABLE", "update rule 7");
    }

    @Test
    void decodeOfAFrameBodyOutsideAPipelineThrowsProtocolException() {
        ByteBuf body = Unpooled.buffer().writeByte(MessageType.READ_RANGE.id()).writeLong(1);
        try {
            ProtocolException e = assertThrows(ProtocolException.class, () -> MessageDecoder.decode(body));
            assertMentions(e, "READ_RANGE", "truncated");
        } finally {
            body.release();
        }
    }

    @Test
    void helloOkWithAProofNeitherEmptyNorOfProofLengthIsRefused() {
        ByteBuf body = Unpooled.buffer().writeByte(MessageType.HELLO_OK.id()).writeLong(1).writeInt(1).writeInt(0)
                .writeByte(5).writeZero(5);
        assertMentions(rejectBody(body), "HELLO_OK", "5 bytes", "0 or " + AuthResponse.PROOF_BYTES);
    }

    @Test
    void authResponseCutShortOfItsProofIsRefused() {
        ByteBuf body = Unpooled.buffer().writeByte(MessageType.AUTH_RESPONSE.id()).writeLong(1)
                .writeZero(AuthChallenge.NONCE_BYTES + AuthResponse.PROOF_BYTES - 1);
        assertMentions(rejectBody(body), "AUTH_RESPONSE", "truncated");
    }

    @Test
    void authMessagesKeepTheirBytesFromTheCallersArrays() {
        byte[] nonce = filled(AuthChallenge.NONCE_BYTES, 1);
        AuthChallenge c = new AuthChallenge(1, nonce);
        nonce[0] = 99;
        c.serverNonce()[1] = 99;
        assertEquals(new AuthChallenge(1, filled(AuthChallenge.NONCE_BYTES, 1)), c);
        assertThrows(IllegalArgumentException.class, () -> new AuthResponse(1, new byte[3], new byte[32]));
    }

    // ---------------------------------------------------------------- helpers

    /** {@code n} bytes counting up from {@code first}. */
    private static byte[] filled(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }

    private EmbeddedChannel channel(int limit) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(limit), new MessageDecoder(),
                MessageEncoder.INSTANCE);
        channels.add(ch);
        return ch;
    }

    private static ErrorRecorder recorder(EmbeddedChannel ch) {
        ErrorRecorder r = new ErrorRecorder();
        ch.pipeline().addLast(r);
        return r;
    }

    private static ByteBuf encode(Message m) {
        ByteBuf b = Unpooled.buffer();
        MessageEncoder.encode(m, b);
        return b;
    }

    /** The frame without its length prefix (its type byte and body), as {@link FrameDecoder} passes it on. */
    private static ByteBuf withoutPrefix(ByteBuf frame) {
        int start = frame.readerIndex() + FrameLayout.LENGTH_BYTES;
        return frame.slice(start, frame.writerIndex() - start);
    }

    /**
     * Frames {@code body} (type byte and body), feeds it to a fresh channel, checks that the channel refused
     * it by closing, and returns the protocol error it raised.
     */
    private ProtocolException rejectBody(ByteBuf body) {
        ByteBuf frame = Unpooled.buffer(FrameLayout.LENGTH_BYTES + body.readableBytes()).writeInt(body.readableBytes())
                .writeBytes(body);
        body.release();
        // A generous frame limit: these bodies must be refused by the message decoder, not the frame decoder.
        EmbeddedChannel ch = channel(4 * LIMIT);
        ErrorRecorder errors = recorder(ch);

        ch.writeInbound(frame);

        assertEquals(0, frame.refCnt(), "a refused frame must still be released");
        assertFalse(ch.isOpen(), "the channel that carried the bad frame must be closed");
        assertNull(ch.readInbound(), "nothing may be decoded from a bad frame");
        return errors.single(ProtocolException.class);
    }

    private static void assertMentions(Throwable e, String... facts) {
        for (String fact : facts) {
            assertTrue(e.getMessage().contains(fact), "'" + e.getMessage() + "' does not mention '" + fact + "'");
        }
    }

    /** What the server and client do with a pipeline error: remember it and close the connection. */
    private static final class ErrorRecorder extends ChannelInboundHandlerAdapter {
        private final List<Throwable> errors = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            ctx.close();
        }

        /** The one error raised, or its cause, as {@code type}. */
        <T extends Throwable> T single(Class<T> type) {
            assertEquals(1, errors.size(), "errors: " + errors);
            Throwable e = errors.get(0);
            while (!type.isInstance(e) && e.getCause() != null && e.getCause() != e) {
                e = e.getCause();
            }
            assertNotNull(e);
            return assertInstanceOf(type, e, "error " + errors.get(0));
        }
    }
}
