package org.petuum.ps.protocol;

import java.util.List;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.handler.codec.MessageToMessageDecoder;

/**
 * Turns one frame ({@code byte type | body}, the length already stripped by {@link FrameDecoder}; see
 * {@link FrameLayout}) into a {@link Message}. A body that is truncated, has trailing bytes or an unknown type raises a
 * {@link ProtocolException}; the pipeline's error handler then closes that connection only.
 */
public final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final DeltaArrays deltas;

    /** A decoder that allocates every row it decodes (a client's: the rows it receives are kept). */
    public MessageDecoder() {
        this(null);
    }

    /**
     * A decoder that decodes the dense rows of updates into arrays from {@code deltas} (a shard's, which must
     * {@link DeltaArrays#recycle} them once each message is handled).
     */
    public MessageDecoder(DeltaArrays deltas) {
        this.deltas = deltas;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame, deltas));
    }

    /** Decodes one frame body; the whole body must be consumed. */
    public static Message decode(ByteBuf frame) {
        return decode(frame, null);
    }

    /** As {@link #decode(ByteBuf)}, the dense rows of updates into arrays from {@code deltas} when it is given. */
    public static Message decode(ByteBuf frame, DeltaArrays deltas) {
        Codec.need(frame, FrameLayout.TYPE_BYTES, "frame type");
        MessageType type = MessageType.of(frame.readByte());
        Message m;
        try {
            m = switch (type) {
                case HELLO -> Hello.decode(frame);
                case HELLO_OK -> HelloOk.decode(frame);
                case ERROR -> ErrorResponse.decode(frame);
                case ACK -> Ack.decode(frame);
                case CREATE_TABLE -> CreateTable.decode(frame);
                case DROP_TABLE -> DropTable.decode(frame);
                case BEGIN_RUN -> BeginRun.decode(frame);
                case FLUSH -> Flush.decode(frame, false, deltas);
                case LAST_FLUSH -> Flush.decode(frame, true, deltas);
                case GET_ROWS -> GetRows.decode(frame);
                case AWAIT_CLOCK -> AwaitClock.decode(frame);
                case ROWS -> Rows.decode(frame);
                case READ_RANGE -> ReadRange.decode(frame);
                case PUT_ROWS -> PutRows.decode(frame);
                case AUTH_CHALLENGE -> AuthChallenge.decode(frame);
                case AUTH_RESPONSE -> AuthResponse.decode(frame);
                case RESTORE -> Restore.decode(frame);
                case ROW_PUSH -> RowPush.decode(frame);
                case UPDATE -> Update.decode(frame, deltas);
            };
        } catch (ProtocolException e) {
            throw new ProtocolException(type + " frame rejected: " + e.getMessage(), e);
        } catch (IndexOutOfBoundsException e) {
            throw new ProtocolException(type + " frame rejected: truncated body", e);
        }
        if (frame.isReadable()) {
            throw new ProtocolException(type + " frame rejected: " + frame.readableBytes() + " trailing bytes");
        }
        return m;
    }
}
