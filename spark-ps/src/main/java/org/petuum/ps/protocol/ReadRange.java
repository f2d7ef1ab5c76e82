package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/** Asks a shard for copies of its rows of a table with ids in {@code [fromRow, toRow)}; answered by {@link Rows}. */
public record ReadRange(long requestId, int tableId, int fromRow, int toRow) implements Message {
    @Override
    public MessageType type() {
        return MessageType.READ_RANGE;
    }

    @Override
    public int encodedLength() {
        return 20;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeInt(tableId);
        out.writeInt(fromRow);
        out.writeInt(toRow);
    }

    public static ReadRange decode(ByteBuf in) {
        Codec.need(in, 20, "READ_RANGE");
        return new ReadRange(in.readLong(), in.readInt(), in.readInt(), in.readInt());
    }
}
