package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * Tells a shard to replace its tables with its image of the checkpoint of clock {@code clock} that attempt
 * {@code attempt} of run {@code checkpointRun} wrote, which it finds under its own configured checkpoint folder.
 * Answered by {@link Ack} once restored, or by {@link ErrorResponse} naming the file that could not be read.
 */
public record Restore(long requestId, long checkpointRun, long attempt, int clock) implements Message {
    @Override
    public MessageType type() {
        return MessageType.RESTORE;
    }

    @Override
    public int encodedLength() {
        return 8 + 8 + 8 + 4;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeLong(checkpointRun);
        out.writeLong(attempt);
        out.writeInt(clock);
    }

    public static Restore decode(ByteBuf in) {
        Codec.need(in, 28, "RESTORE");
        return new Restore(in.readLong(), in.readLong(), in.readLong(), in.readInt());
    }
}
