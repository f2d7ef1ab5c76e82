package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * Tells a shard to replace its tables with its image of the checkpoint of clock {@code clock} in
 * {@code checkpointDir}. Answered by {@link Ack} once restored.
 */
public record Restore(long requestId, String checkpointDir, int clock) implements Message {
    @Override
    public MessageType type() {
        return MessageType.RESTORE;
    }

    @Override
    public int encodedLength() {
        return 8 + Codec.stringLength(checkpointDir) + 4;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        Codec.writeString(out, checkpointDir);
        out.writeInt(clock);
    }

    public static Restore decode(ByteBuf in) {
        Codec.need(in, 8, "RESTORE");
        long id = in.readLong();
        String dir = Codec.readString(in, "RESTORE checkpoint folder");
        Codec.need(in, 4, "RESTORE clock");
        return new Restore(id, dir, in.readInt());
    }
}
