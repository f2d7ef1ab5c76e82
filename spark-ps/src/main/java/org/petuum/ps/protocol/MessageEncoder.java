package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.channel.ChannelHandler;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.handler.codec.MessageToByteEncoder;

/** Writes a {@link Message} as one frame: {@code int length | byte type | body}. Stateless and shareable. */
@ChannelHandler.Sharable
public final class MessageEncoder extends MessageToByteEncoder<Message> {
    public static final MessageEncoder INSTANCE = new MessageEncoder();

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Message msg, boolean preferDirect) {
        int size = 4 + 1 + msg.encodedLength();
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, ByteBuf out) {
        encode(msg, out);
    }

    /** Appends the frame of {@code msg} to {@code out}. */
    public static void encode(Message msg, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeByte(msg.type().id());
        msg.encode(out);
        int length = out.writerIndex() - start - 4;
        if (length != 1 + msg.encodedLength()) {
            throw new IllegalStateException(msg.type() + ": encodedLength() says " + msg.encodedLength()
                    + " but encode() wrote " + (length - 1) + " bytes");
        }
        out.setInt(start, length);
    }
}
