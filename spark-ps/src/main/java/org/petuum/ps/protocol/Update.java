package org.petuum.ps.protocol;

import java.util.ArrayList;
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

    public static Update decode(ByteBuf in) {
        Codec.need(in, 28, "UPDATE");
        long id = in.readLong();
        long runId = in.readLong();
        int worker = in.readInt();
        int clock = in.readInt();
        int n = Codec.readCount(in, "UPDATE updates", 13);
        List<RowUpdate> updates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Codec.need(in, 8, "UPDATE update");
            int table = in.readInt();
            int row = in.readInt();
            updates.add(new RowUpdate(table, row, Codec.readRow(in, "UPDATE update row")));
        }
        return new Update(id, runId, worker, clock, updates);
    }
}
