package org.petuum.ps.protocol;

import java.util.List;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ssp.RowUpdate;

/**
 * The updates that {@code worker} made to this shard's rows in its clock {@code clock} of run {@code runId};
 * applying it advances the worker's clock on the shard. Sent at every clock, even with no updates.
 */
public record Flush(long requestId, long runId, int worker, int clock, List<RowUpdate> updates) implements Message {
    public Flush {
        updates = List.copyOf(updates);
    }

    @Override
    public MessageType type() {
        return MessageType.FLUSH;
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

    public static Flush decode(ByteBuf in) {
        Codec.need(in, 24, "FLUSH");
        long id = in.readLong();
        long runId = in.readLong();
        int worker = in.readInt();
        int clock = in.readInt();
        return new Flush(id, runId, worker, clock, Codec.readUpdates(in, "FLUSH"));
    }
}
