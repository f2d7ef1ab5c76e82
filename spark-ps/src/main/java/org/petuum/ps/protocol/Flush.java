package org.petuum.ps.protocol;

import java.util.ArrayList;
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
        int n = 8 + 8 + 4 + 4 + 4;
        for (RowUpdate u : updates) {
            n += 8 + Codec.rowLength(u.delta());
        }
        return n;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeLong(runId);
        out.writeInt(worker);
        out.writeInt(clock);
        out.writeInt(updates.size());
        for (RowUpdate u : updates) {
            out.writeInt(u.tableId());
            out.writeInt(u.row());
            Codec.writeRow(out, u.delta());
        }
    }

    public static Flush decode(ByteBuf in) {
        Codec.need(in, 24, "FLUSH");
        long id = in.readLong();
        long runId = in.readLong();
        int worker = in.readInt();
        int clock = in.readInt();
        int n = Codec.readCount(in, "FLUSH updates", 13);
        List<RowUpdate> updates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Codec.need(in, 8, "FLUSH update");
            int table = in.readInt();
            int row = in.readInt();
            updates.add(new RowUpdate(table, row, Codec.readRow(in, "FLUSH update row")));
        }
        return new Flush(id, runId, worker, clock, updates);
    }
}
