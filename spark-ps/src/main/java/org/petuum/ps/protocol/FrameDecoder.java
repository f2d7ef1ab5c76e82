package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;
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
    private final int maxFrameBytes;
    private int limit;

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
    }

    /** Lifts the limit to the full {@code maxFrameBytes}: called when the peer has completed its handshake. */
    public void raiseLimit() {
        limit = maxFrameBytes;
    }

    /** The limit now in force. */
    public int limit() {
        return limit;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (limit < maxFrameBytes && in.readableBytes() >= FrameLayout.LENGTH_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex() + FrameLayout.LENGTH_OFFSET);
            if (length > FrameLayout.lengthPrefix(limit)) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("a frame of " + FrameLayout.frameBytesOf(length)
                        + " bytes before the handshake completed "
                        + "(limit until then: " + limit + " bytes)");
            }
        }
        return super.decode(ctx, in);
    }
}
