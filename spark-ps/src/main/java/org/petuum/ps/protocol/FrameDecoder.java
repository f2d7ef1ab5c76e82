package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.ByteBufAllocator;
import org.petuum.shaded.io.netty.buffer.CompositeByteBuf;
import org.petuum.shaded.io.netty.channel.AdaptiveRecvByteBufAllocator;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.channel.RecvByteBufAllocator;
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
 *
 * <p>A frame of {@link #GATHER_FROM_BYTES} or more is gathered as a composite of the reads that carried it, without
 * copying them ({@link LargeFrameCumulator}); a decoder that reads it takes its memory region by region.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    /**
     * The most bytes one read of a connection takes from its socket. Netty's default, 64 KiB, costs a trip
     * through the pipeline per 64 KiB of a large frame; reads still start small and grow only while they fill.
     */
    public static final int MAX_READ_BYTES = 1 << 20;

    /** Frames from this size up are gathered without copies ({@link LargeFrameCumulator}). */
    static final int GATHER_FROM_BYTES = 64 * 1024;

    private final int maxFrameBytes;
    private int limit;
    /** The size of the large frame whose bytes are arriving, or 0 (see {@link LargeFrameCumulator}). */
    private int expectedFrameBytes;

    /** How a connection that this decoder reads should size its reads (see {@link #MAX_READ_BYTES}). */
    public static RecvByteBufAllocator reads() {
        return new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES);
    }

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
        setCumulator(new LargeFrameCumulator());
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

    /** The memory regions of that buffer (1 unless it gathers a large frame's reads): for tests. */
    int bufferRegions() {
        return internalBuffer() instanceof CompositeByteBuf c ? c.numComponents() : 1;
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
            expectedFrameBytes = frameBytes >= GATHER_FROM_BYTES && frameBytes <= limit ? (int) frameBytes : 0;
        } else {
            expectedFrameBytes = 0;
        }
        return super.decode(ctx, in);
    }

    /**
     * Netty's merging cumulator, except for large frames: while the bytes of a frame of at least
     * {@link #GATHER_FROM_BYTES} arrive, each read's buffer is appended to a composite buffer without a copy
     * (merging would copy every byte once more, and double its buffer again and again while the frame trickles
     * in). The composite is merged into one buffer again once no large frame is arriving, so that small frames keep
     * the merging cumulator's contiguous buffer. The frame is within the limit, which bounds what a peer can make a
     * connection hold anyway.
     */
    private final class LargeFrameCumulator implements Cumulator {
        @Override
        public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
            if (!cumulation.isReadable()) {
                return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
            }
            if (expectedFrameBytes > 0) {
                return COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in);
            }
            if (cumulation instanceof CompositeByteBuf) {
                // The start of a small frame left behind a large one: back to one buffer.
                int held = cumulation.readableBytes();
                int arriving = in.readableBytes();
                ByteBuf merged = alloc.buffer(held + arriving);
                try {
                    merged.writeBytes(cumulation, cumulation.readerIndex(), held);
                    merged.writeBytes(in, in.readerIndex(), arriving);
                } catch (RuntimeException e) {
                    merged.release();
                    throw e;
                } finally {
                    cumulation.release();
                    in.release();
                }
                return merged;
            }
            return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
    }
}
