package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/** Starts a run of {@code workers} workers, all at clock 0, on a shard of a {@code numShards}-shard layout. */
public record BeginRun(long requestId, long runId, int workers, int shardIndex, int numShards) implements Message {
    @Override
    public MessageType type() {
        return MessageType.BEGIN_RUN;
    }

    @Override
    public int encodedLength() {
        return 8 + 8 + 4 + 4 + 4;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeLong(runId);
        out.writeInt(workers);
        out.writeInt(shardIndex);
        out.writeInt(numShards);
    }

    public static BeginRun decode(ByteBuf in) {
        Codec.need(in, 28, "BEGIN_RUN");
        return new BeginRun(in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readInt());
    }
}
