package org.petuum.ps.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;

/**
 * Fresh rows a shard pushes, unasked, to a process that read them: from a pushing (ESSP) table when the shard's
 * minimum clock advances, from an ASYNC table after each flush of that process. They hold every request of that
 * process up to {@code watermark} (the last one the shard had handled on this connection) and belong to run
 * {@code runId}. Not a response: its request id is always {@link #UNSOLICITED}.
 */
public record RowPush(long runId, long watermark, RowsSnapshot snapshot) implements Message {
    /** The request id of every push: it answers no request. */
    public static final long UNSOLICITED = -1;
    /** The bytes of a ROW_PUSH frame besides its rows: frame header, run id, watermark, table, version, count. */
    public static final int FRAME_OVERHEAD = FrameLayout.HEADER_BYTES + 8 + 8 + 4 + 8 + 4;

    /**
     * The pushes that carry {@code snapshot}'s rows, in order, each a frame of at most {@code maxFrameBytes}. A row
     * that does not fit in a frame on its own is left out: its reader then asks for it, and that answer carries the
     * error that says so.
     */
    public static List<RowPush> split(long runId, long watermark, RowsSnapshot snapshot, int maxFrameBytes) {
        long fixed = FRAME_OVERHEAD;
        List<RowPush> out = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        long bytes = fixed;
        for (int i = 0; i <= snapshot.size(); i++) {
            long rowBytes = i < snapshot.size() ? 4L + Codec.rowLength(snapshot.values()[i]) : 0;
            boolean end = i == snapshot.size();
            if ((end || bytes + rowBytes > maxFrameBytes) && !rows.isEmpty()) {
                int[] ids = new int[rows.size()];
                RowValues[] values = new RowValues[rows.size()];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = snapshot.rows()[rows.get(k)];
                    values[k] = snapshot.values()[rows.get(k)];
                }
                out.add(new RowPush(runId, watermark, new RowsSnapshot(snapshot.tableId(), snapshot.version(), ids,
                        values)));
                rows.clear();
                bytes = fixed;
            }
            if (!end && fixed + rowBytes <= maxFrameBytes) {
                rows.add(i);
                bytes += rowBytes;
            }
        }
        return out;
    }

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
