package org.petuum.ps.protocol;

import java.util.List;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ssp.RowUpdate;

/**
 * Updates that {@code worker} sends before the end of its clock {@code clock} (managed communication,
 * value-bounded tables): applied at once, without advancing the worker's clock. Answered by {@link Ack}.
 */
public record Update(long requestId, long runId, int worker, int clock, List<RowUpdate> updates) implements Message {
    public Update {
        updates = List.copyOf(updates);
    }

    @Override
    public MessageType type() {
        return MessageType.UPDATE;
    }

    @Override
    public int encodedLength() {
        return 8 + 8 + 4 + 4 + Codec.updatesLength(updates);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeLong(runId);
        out.writeInt(worker);
        out.writeInt(clock);
        Codec.writeUpdates(out, updates);
    }

    public static Update decode(ByteBuf in) {
        return decode(in, null);
    }

    /** As {@link #decode(ByteBuf)}, dense rows into arrays from {@code deltas} when it is given. */
    static Update decode(ByteBuf in, DeltaArrays deltas) {
        Codec.need(in, 28, "UPDATE");
        long id = in.readLong();
        long runId = in.readLong();
        int worker = in.readInt();
        int clock = in.readInt();
        return new Update(id, runId, worker, clock, Codec.readUpdates(in, "UPDATE", deltas));
    }
}
