package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.channel.ChannelHandler;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.handler.codec.MessageToByteEncoder;

/** Writes a {@link Message} as one frame ({@link FrameLayout}). Stateless and shareable. */
@ChannelHandler.Sharable
public final class MessageEncoder extends MessageToByteEncoder<Message> {
    public static final MessageEncoder INSTANCE = new MessageEncoder();

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Message msg, boolean preferDirect) {
        int size = Math.toIntExact(FrameLayout.frameBytes(msg));
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    /**
     * Writes the frame into the buffer {@link #allocateBuffer} sized for it. The length prefix is always the size
     * written; that {@code encodedLength()} agrees is checked by {@link #encode(Message, ByteBuf)}, which every codec
     * test goes through, and not again here: for sparse rows it is a second pass over every cell.
     */
    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, ByteBuf out) {
        write(msg, out);
    }

    /** Appends the frame of {@code msg} to {@code out}, checking that it has the size its message says. */
    public static void encode(Message msg, ByteBuf out) {
        int frame = write(msg, out);
        if (frame != FrameLayout.frameBytes(msg)) {
            throw mismatch(msg, frame);
        }
    }

    /** Appends the frame of {@code msg} to {@code out} and returns its size. */
    private static int write(Message msg, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0); // the length prefix, set once the body is written
        out.writeByte(msg.type().id());
        msg.encode(out);
        int frame = out.writerIndex() - start;
        out.setInt(start + FrameLayout.LENGTH_OFFSET, FrameLayout.lengthPrefix(frame));
        return frame;
    }

    private static IllegalStateException mismatch(Message msg, int frame) {
        return new IllegalStateException(msg.type() + ": encodedLength() says " + msg.encodedLength()
                + " but encode() wrote " + (frame - FrameLayout.HEADER_BYTES) + " bytes");
    }
}
