package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * Starts a run of {@code workers} workers, all at clock {@code startClock}, on a shard of a
 * {@code numShards}-shard layout. With a non-empty {@code checkpointDir}, the shard writes a checkpoint of its
 * tables there every {@code checkpointInterval} clocks (0: none but the start image), and first the image of
 * the start if {@code writeStartImage}.
 */
public record BeginRun(long requestId, long runId, int workers, int shardIndex, int numShards, int startClock,
                       int checkpointInterval, String checkpointDir, boolean writeStartImage) implements Message {

    /** A run from clock 0 without checkpoints. */
    public BeginRun(long requestId, long runId, int workers, int shardIndex, int numShards) {
        this(requestId, runId, workers, shardIndex, numShards, 0, 0, "", false);
    }

    @Override
    public MessageType type() {
        return MessageType.BEGIN_RUN;
    }

    @Override
    public int encodedLength() {
        return 8 + 8 + 4 + 4 + 4 + 4 + 4 + Codec.stringLength(checkpointDir) + 1;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeLong(runId);
        out.writeInt(workers);
        out.writeInt(shardIndex);
        out.writeInt(numShards);
        out.writeInt(startClock);
        out.writeInt(checkpointInterval);
        Codec.writeString(out, checkpointDir);
        out.writeBoolean(writeStartImage);
    }

    public static BeginRun decode(ByteBuf in) {
        Codec.need(in, 36, "BEGIN_RUN");
        long id = in.readLong();
        long runId = in.readLong();
        int workers = in.readInt();
        int shardIndex = in.readInt();
        int numShards = in.readInt();
        int startClock = in.readInt();
        int interval = in.readInt();
        String dir = Codec.readString(in, "BEGIN_RUN checkpoint folder");
        Codec.need(in, 1, "BEGIN_RUN flags");
        return new BeginRun(id, runId, workers, shardIndex, numShards, startClock, interval, dir, in.readBoolean());
    }
}
