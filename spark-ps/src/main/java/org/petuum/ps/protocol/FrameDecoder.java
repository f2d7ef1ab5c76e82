package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.ByteBufAllocator;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.petuum.shaded.io.netty.handler.codec.TooLongFrameException;

/**
 * Splits the byte stream into frames by their length prefix ({@link FrameLayout}) and strips it. The limit
 * bounds the whole frame, the prefix included: a declared length above the limit less the prefix fails at once
 * (before any of the body is buffered) with a {@link TooLongFrameException}.
 *
 * <p>A server starts a connection at a small limit ({@link FrameLayout#HANDSHAKE_FRAME_BYTES}) and
 * {@link #raiseLimit raises} it once the peer has completed its handshake, so that a peer that has not proved
 * anything cannot make it buffer a large frame. Not shareable: one per connection; its methods run on the
 * connection's event loop.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    /** Frames from this size up get a buffer of their size once they outgrow the first ({@link ReservingCumulator}). */
    static final int RESERVE_FROM_BYTES = 64 * 1024;

    private final int maxFrameBytes;
    private int limit;
    /** The size of the large frame whose bytes are arriving, or 0 (see {@link ReservingCumulator}). */
    private int expectedFrameBytes;

    /** A decoder whose limit is {@code maxFrameBytes} from the start (a client's). */
    public FrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, maxFrameBytes);
    }

    /** A decoder at {@code initialLimit} that {@link #raiseLimit()} lifts to {@code maxFrameBytes}. */
    public FrameDecoder(int initialLimit, int maxFrameBytes) {
        // The prefix counts only what follows it (no adjustment), and is stripped from the frame passed on.
        super(maxFrameBytes, FrameLayout.LENGTH_OFFSET, FrameLayout.LENGTH_BYTES, 0, FrameLayout.LENGTH_BYTES, true);
        if (initialLimit < FrameLayout.MIN_FRAME_BYTES || initialLimit > maxFrameBytes) {
            throw new IllegalArgumentException("initialLimit : " + initialLimit + " (expected: in ["
                    + FrameLayout.MIN_FRAME_BYTES + ", " + maxFrameBytes + "])");
        }
        this.maxFrameBytes = maxFrameBytes;
        this.limit = initialLimit;
        setCumulator(new ReservingCumulator());
    }

    /** Lifts the limit to the full {@code maxFrameBytes}: called when the peer has completed its handshake. */
    public void raiseLimit() {
        limit = maxFrameBytes;
    }

    /** The limit now in force. */
    public int limit() {
        return limit;
    }

    /** The capacity of the buffer that accumulates a frame's bytes (0 when none is held): for tests. */
    int bufferCapacity() {
        return internalBuffer().capacity();
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= FrameLayout.LENGTH_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex() + FrameLayout.LENGTH_OFFSET);
            if (limit < maxFrameBytes && length > FrameLayout.lengthPrefix(limit)) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("a frame of " + FrameLayout.frameBytesOf(length)
                        + " bytes before the handshake completed "
                        + "(limit until then: " + limit + " bytes)");
            }
            long frameBytes = FrameLayout.frameBytesOf(length);
            // Known once the prefix is in; a refused frame (over the limit) fails in super.decode.
            expectedFrameBytes = frameBytes >= RESERVE_FROM_BYTES && frameBytes <= limit ? (int) frameBytes : 0;
        } else {
            expectedFrameBytes = 0;
        }
        return super.decode(ctx, in);
    }

    /**
     * Netty's merging cumulator, except that when the bytes of a large frame that has begun to arrive outgrow the
     * buffer, it moves them at once to a buffer with room for the whole frame: otherwise the buffer doubles again
     * and again while the frame trickles in, copying what it holds each time. The frame is within the limit, which
     * bounds what a peer can make a connection hold anyway.
     */
    private final class ReservingCumulator implements Cumulator {
        @Override
        public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
            int held = cumulation.readableBytes();
            int arriving = in.readableBytes();
            if (held == 0 || expectedFrameBytes <= held + arriving || cumulation.writableBytes() >= arriving) {
                return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
            }
            ByteBuf grown = alloc.buffer(expectedFrameBytes);
            try {
                grown.writeBytes(cumulation, cumulation.readerIndex(), held);
                grown.writeBytes(in, in.readerIndex(), arriving);
            } catch (RuntimeException e) {
                grown.release();
                throw e;
            } finally {
                cumulation.release();
                in.release();
            }
            return grown;
        }
    }
}
