package org.petuum.ps.protocol;

/**
 * The layout of one frame on the wire, named in one place: {@code int length | byte type | body}, big-endian (but
 * the values of dense rows, which are little-endian: see {@code Codec#writeDoubles}), where
 * {@code length} counts the bytes after it (the type byte and the body). Every body but {@code ROW_PUSH}'s starts
 * with the message's request id. The protocol version is not in the frame: it travels in {@code HELLO} and
 * {@code HELLO_OK} ({@link Message#PROTOCOL_VERSION}).
 *
 * <p>Offsets count from a frame's first byte. The limits bound whole frames, the length prefix included.
 */
public final class FrameLayout {
    /** Where the length prefix starts. */
    public static final int LENGTH_OFFSET = 0;
    /** The length prefix: a big-endian {@code int} counting the type byte and the body. */
    public static final int LENGTH_BYTES = Integer.BYTES;
    /** Where the type byte sits: right after the length prefix. */
    public static final int TYPE_OFFSET = LENGTH_OFFSET + LENGTH_BYTES;
    /** The type byte: a {@link MessageType#id()}. */
    public static final int TYPE_BYTES = Byte.BYTES;
    /** Where the body starts: right after the type byte. */
    public static final int BODY_OFFSET = TYPE_OFFSET + TYPE_BYTES;
    /** The bytes of a frame besides its body: the length prefix and the type byte. */
    public static final int HEADER_BYTES = BODY_OFFSET;
    /** The request id that opens every body but {@code ROW_PUSH}'s (whose body opens with its run id). */
    public static final int REQUEST_ID_BYTES = Long.BYTES;

    /** The smallest frame there is (a header and an empty body): no frame limit may be below it. */
    public static final int MIN_FRAME_BYTES = HEADER_BYTES;
    /** The frame limit before a connection's handshake completes: every handshake message fits it. */
    public static final int HANDSHAKE_FRAME_BYTES = 64 * 1024;
    /** The smallest frame limit that may be configured ({@code spark.petuum.maxFrameBytes}). */
    public static final int MIN_FRAME_LIMIT = 64 * 1024;
    /** The largest frame limit that may be configured ({@code spark.petuum.maxFrameBytes}). */
    public static final int MAX_FRAME_LIMIT = 1 << 30;

    private FrameLayout() {
    }

    /** The bytes the frame of {@code m} takes on the wire, header included (a {@code long}: it cannot overflow). */
    public static long frameBytes(Message m) {
        return (long) HEADER_BYTES + m.encodedLength();
    }

    /** The length prefix of a frame of {@code frameBytes} bytes. */
    public static int lengthPrefix(int frameBytes) {
        return frameBytes - LENGTH_BYTES;
    }

    /** The bytes of a whole frame whose length prefix is {@code lengthPrefix}. */
    public static long frameBytesOf(long lengthPrefix) {
        return lengthPrefix + LENGTH_BYTES;
    }
}
