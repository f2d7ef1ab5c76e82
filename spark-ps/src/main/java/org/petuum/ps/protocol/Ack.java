package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * A request was carried out. For a {@link Flush}, {@code applied} is false when the shard had already
 * applied that (worker, clock) and dropped the repeat.
 */
public record Ack(long requestId, boolean applied) implements Message {
    @Override
    public MessageType type() {
        return MessageType.ACK;
    }

    @Override
    public int encodedLength() {
        return 9;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeBoolean(applied);
    }

    public static Ack decode(ByteBuf in) {
        Codec.need(in, 9, "ACK");
        return new Ack(in.readLong(), in.readBoolean());
    }
}
