package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * One message of the wire protocol. Every message carries the request id it belongs to: a request's own
 * id (the sender's sequence number on that connection), or, in a response, the id of the request answered.
 *
 * <p>A frame on the wire is {@code int length | byte type | body}, where {@code length} counts the type byte
 * and the body; {@link FrameLayout} names every field's offset and size. Implementations are immutable,
 * {@code final}, and provide a static {@code decode(ByteBuf)}.
 */
public sealed interface Message permits Hello, HelloOk, ErrorResponse, Ack, CreateTable, DropTable, BeginRun,
        Flush, GetRows, AwaitClock, Rows, ReadRange, PutRows, AuthChallenge, AuthResponse, Restore, RowPush, Update {

    /** The protocol version spoken by this build; checked in the handshake (5: dense row values little-endian). */
    int PROTOCOL_VERSION = 5;

    MessageType type();

    long requestId();

    /** The exact number of body bytes {@link #encode} writes. */
    int encodedLength();

    void encode(ByteBuf out);
}
