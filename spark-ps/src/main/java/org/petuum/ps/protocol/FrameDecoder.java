package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.petuum.shaded.io.netty.handler.codec.TooLongFrameException;

/**
 * Splits the byte stream into frames by their 4-byte length prefix and strips it. The limit bounds the whole
 * frame, the prefix included: a declared length above {@code limit - 4} fails at once (before any of the body is
 * buffered) with a {@link TooLongFrameException}.
 *
 * <p>A server starts a connection at a small limit ({@link #HANDSHAKE_FRAME_BYTES}) and {@link #raiseLimit raises}
 * it once the peer has completed its handshake, so that a peer that has not proved anything cannot make it buffer
 * a large frame. Not shareable: one per connection; its methods run on the connection's event loop.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    /** The frame limit before a connection's handshake completes: every handshake message fits it. */
    public static final int HANDSHAKE_FRAME_BYTES = 64 * 1024;

    private final int maxFrameBytes;
    private int limit;

    /** A decoder whose limit is {@code maxFrameBytes} from the start (a client's). */
    public FrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, maxFrameBytes);
    }

    /** A decoder at {@code initialLimit} that {@link #raiseLimit()} lifts to {@code maxFrameBytes}. */
    public FrameDecoder(int initialLimit, int maxFrameBytes) {
        super(maxFrameBytes, 0, 4, 0, 4, true);
        if (initialLimit < 5 || initialLimit > maxFrameBytes) {
            throw new IllegalArgumentException("initialLimit : " + initialLimit + " (expected: in [5, " + maxFrameBytes
                    + "])");
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
        if (limit < maxFrameBytes && in.readableBytes() >= 4) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > limit - 4) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("a frame of " + (length + 4) + " bytes before the handshake completed "
                        + "(limit until then: " + limit + " bytes)");
            }
        }
        return super.decode(ctx, in);
    }
}
