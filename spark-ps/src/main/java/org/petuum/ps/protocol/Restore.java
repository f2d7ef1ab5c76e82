package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * Tells a shard to replace its tables with its image of the checkpoint of clock {@code clock} of run
 * {@code checkpointRun}, which it finds under its own configured checkpoint folder. Answered by {@link Ack} once
 * restored.
 */
public record Restore(long requestId, long checkpointRun, int clock) implements Message {
    @Override
    public MessageType type() {
        return MessageType.RESTORE;
    }

    @Override
    public int encodedLength() {
        return 8 + 8 + 4;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeLong(checkpointRun);
        out.writeInt(clock);
    }

    public static Restore decode(ByteBuf in) {
        Codec.need(in, 20, "RESTORE");
        return new Restore(in.readLong(), in.readLong(), in.readInt());
    }
}
