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

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, ByteBuf out) {
        encode(msg, out);
    }

    /** Appends the frame of {@code msg} to {@code out}. */
    public static void encode(Message msg, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0); // the length prefix, set once the body is written
        out.writeByte(msg.type().id());
        msg.encode(out);
        int frame = out.writerIndex() - start;
        if (frame != FrameLayout.frameBytes(msg)) {
            throw new IllegalStateException(msg.type() + ": encodedLength() says " + msg.encodedLength()
                    + " but encode() wrote " + (frame - FrameLayout.HEADER_BYTES) + " bytes");
        }
        out.setInt(start + FrameLayout.LENGTH_OFFSET, FrameLayout.lengthPrefix(frame));
    }
}
