package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/** Tells a shard to drop a table and its rows. */
public record DropTable(long requestId, int tableId) implements Message {
    @Override
    public MessageType type() {
        return MessageType.DROP_TABLE;
    }

    @Override
    public int encodedLength() {
        return 12;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeInt(tableId);
    }

    public static DropTable decode(ByteBuf in) {
        Codec.need(in, 12, "DROP_TABLE");
        return new DropTable(in.readLong(), in.readInt());
    }
}
