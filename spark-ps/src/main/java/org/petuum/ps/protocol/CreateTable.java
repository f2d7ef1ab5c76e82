package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ssp.TableSpec;

/** Tells a shard to hold its part of a table: the rows {@code r} with {@code r mod numShards == shardIndex}. */
public record CreateTable(long requestId, int tableId, TableSpec spec, int shardIndex, int numShards)
        implements Message {
    @Override
    public MessageType type() {
        return MessageType.CREATE_TABLE;
    }

    @Override
    public int encodedLength() {
        return 8 + 4 + Codec.specLength(spec) + 8;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeInt(tableId);
        Codec.writeSpec(out, spec);
        out.writeInt(shardIndex);
        out.writeInt(numShards);
    }

    public static CreateTable decode(ByteBuf in) {
        Codec.need(in, 12, "CREATE_TABLE");
        long id = in.readLong();
        int tableId = in.readInt();
        TableSpec spec = Codec.readSpec(in);
        Codec.need(in, 8, "CREATE_TABLE shard layout");
        return new CreateTable(id, tableId, spec, in.readInt(), in.readInt());
    }
}
