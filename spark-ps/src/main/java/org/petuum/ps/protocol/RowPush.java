package org.petuum.ps.protocol;

import java.util.Arrays;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;

/**
 * Fresh rows a shard pushes, unasked, to a process that read them from a pushing (ESSP) table, when the
 * shard's minimum clock advances. They hold every request of that process up to {@code watermark} (the last
 * one the shard had handled on this connection) and belong to run {@code runId}. Not a response: its
 * request id is always {@link #UNSOLICITED}.
 */
public record RowPush(long runId, long watermark, RowsSnapshot snapshot) implements Message {
    /** The request id of every push: it answers no request. */
    public static final long UNSOLICITED = -1;

    @Override
    public MessageType type() {
        return MessageType.ROW_PUSH;
    }

    @Override
    public long requestId() {
        return UNSOLICITED;
    }

    @Override
    public int encodedLength() {
        int n = 8 + 8 + 4 + 8 + 4;
        for (RowValues v : snapshot.values()) {
            n += 4 + Codec.rowLength(v);
        }
        return n;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(runId);
        out.writeLong(watermark);
        out.writeInt(snapshot.tableId());
        out.writeLong(snapshot.version());
        out.writeInt(snapshot.size());
        for (int i = 0; i < snapshot.size(); i++) {
            out.writeInt(snapshot.rows()[i]);
            Codec.writeRow(out, snapshot.values()[i]);
        }
    }

    public static RowPush decode(ByteBuf in) {
        Codec.need(in, 28, "ROW_PUSH");
        long runId = in.readLong();
        long watermark = in.readLong();
        int table = in.readInt();
        long version = in.readLong();
        int n = Codec.readCount(in, "ROW_PUSH rows", 9);
        int[] rows = new int[n];
        RowValues[] values = new RowValues[n];
        for (int i = 0; i < n; i++) {
            Codec.need(in, 4, "ROW_PUSH row id");
            rows[i] = in.readInt();
            values[i] = Codec.readRow(in, "ROW_PUSH row");
        }
        return new RowPush(runId, watermark, new RowsSnapshot(table, version, rows, values));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowPush p && p.runId == runId && p.watermark == watermark
                && p.snapshot.tableId() == snapshot.tableId() && p.snapshot.version() == snapshot.version()
                && Arrays.equals(p.snapshot.rows(), snapshot.rows()) && Arrays.equals(p.snapshot.values(), snapshot.values());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(watermark) * 31 + Arrays.hashCode(snapshot.rows());
    }

    @Override
    public String toString() {
        return "RowPush{runId=" + runId + ", watermark=" + watermark + ", tableId=" + snapshot.tableId() + ", version="
                + snapshot.version() + ", rows=" + snapshot.size() + "}";
    }
}
