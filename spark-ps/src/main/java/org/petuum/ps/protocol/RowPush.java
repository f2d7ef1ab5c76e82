package org.petuum.ps.protocol;

import java.util.Arrays;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
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
        return 8 + 8 + Codec.snapshotLength(snapshot);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(runId);
        out.writeLong(watermark);
        Codec.writeSnapshot(out, snapshot);
    }

    public static RowPush decode(ByteBuf in) {
        Codec.need(in, 16, "ROW_PUSH");
        long runId = in.readLong();
        long watermark = in.readLong();
        return new RowPush(runId, watermark, Codec.readSnapshot(in, "ROW_PUSH"));
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
