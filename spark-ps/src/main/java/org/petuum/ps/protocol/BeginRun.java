package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * Starts a run of {@code workers} workers, all at clock {@code startClock}, on a shard of a
 * {@code numShards}-shard layout. With {@code checkpointRun} above 0, the shard writes a checkpoint of its tables
 * every {@code checkpointInterval} clocks (0: none but the start image), and first the image of the start if
 * {@code writeStartImage}, into the folder of that run under its own configured checkpoint folder: a client
 * names a run, never a location.
 */
public record BeginRun(long requestId, long runId, int workers, int shardIndex, int numShards, int startClock,
                       int checkpointInterval, long checkpointRun, boolean writeStartImage) implements Message {

    /** A run from clock 0 without checkpoints. */
    public BeginRun(long requestId, long runId, int workers, int shardIndex, int numShards) {
        this(requestId, runId, workers, shardIndex, numShards, 0, 0, 0, false);
    }

    @Override
    public MessageType type() {
        return MessageType.BEGIN_RUN;
    }

    @Override
    public int encodedLength() {
        return 8 + 8 + 4 + 4 + 4 + 4 + 4 + 8 + 1;
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
        out.writeLong(checkpointRun);
        out.writeBoolean(writeStartImage);
    }

    public static BeginRun decode(ByteBuf in) {
        Codec.need(in, 45, "BEGIN_RUN");
        long id = in.readLong();
        long runId = in.readLong();
        int workers = in.readInt();
        int shardIndex = in.readInt();
        int numShards = in.readInt();
        int startClock = in.readInt();
        int interval = in.readInt();
        long checkpointRun = in.readLong();
        return new BeginRun(id, runId, workers, shardIndex, numShards, startClock, interval, checkpointRun,
                in.readBoolean());
    }
}
