package org.petuum.ps.protocol;

import java.util.Arrays;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ps.PsConf;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.TableSpec;

/**
 * Rows answered to a {@link GetRows} or {@link ReadRange}, with the version they were read at and the
 * {@code watermark}: they hold every request the asking process sent on this connection up to that sequence
 * number, and none after it (a read that waited for slower workers may be answered after later requests).
 */
public record Rows(long requestId, long watermark, RowsSnapshot snapshot) implements Message {
    /** Rows whose watermark is the request they answer (an answer given at once). */
    public Rows(long requestId, RowsSnapshot snapshot) {
        this(requestId, requestId, snapshot);
    }

    /** The bytes of a ROWS frame besides its rows: frame header, request id, watermark, table, version, count. */
    public static final int FRAME_OVERHEAD = FrameLayout.HEADER_BYTES + FrameLayout.REQUEST_ID_BYTES + 8 + 4 + 8 + 4;

    /**
     * The bytes one row takes in a ROWS frame (its id and its cells), computed without copying or allocating.
     *
     * @param stored the row, or {@code null} for a row no update touched (sent as a zero row of {@code spec})
     */
    public static long rowBytes(TableSpec spec, RowValues stored) {
        if (stored != null) {
            return 4 + Codec.rowLength(stored);
        }
        return spec.storage() == TableSpec.Storage.DENSE ? 4 + 1 + 4 + 8L * spec.cols() : 4 + 1 + 4 + 4;
    }

    /**
     * The widest dense row whose answer fits a frame of {@code maxFrameBytes}: a shard refuses to create a dense
     * table with wider rows, since none of its rows could ever be read, and one cell written to it would make
     * the shard allocate the whole row.
     */
    public static int maxDenseCols(int maxFrameBytes) {
        return (int) Math.min(TableSpec.MAX_DENSE_COLS, (maxFrameBytes - FRAME_OVERHEAD - 4 - 1 - 4) / 8L);
    }

    /**
     * @throws IllegalArgumentException naming the table, its width and the allowed range, if {@code spec} is a
     *                                  dense table wider than {@link #maxDenseCols(int)}
     */
    public static void checkFits(TableSpec spec, int maxFrameBytes) {
        int max = maxDenseCols(maxFrameBytes);
        if (spec.storage() == TableSpec.Storage.DENSE && spec.cols() > max) {
            throw new IllegalArgumentException("table '" + spec.name() + "': " + spec.cols() + " columns is outside [1, "
                    + max + "], the widest dense row that fits a frame of " + maxFrameBytes
                    + " bytes (" + PsConf.MAX_FRAME_BYTES + "); use a sparse table or a larger frame limit");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.ROWS;
    }

    @Override
    public int encodedLength() {
        return 8 + 8 + Codec.snapshotLength(snapshot);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeLong(watermark);
        Codec.writeSnapshot(out, snapshot);
    }

    public static Rows decode(ByteBuf in) {
        Codec.need(in, 16, "ROWS");
        long id = in.readLong();
        long watermark = in.readLong();
        return new Rows(id, watermark, Codec.readSnapshot(in, "ROWS"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rows r && r.requestId == requestId && r.watermark == watermark
                && r.snapshot.tableId() == snapshot.tableId()
                && r.snapshot.version() == snapshot.version() && Arrays.equals(r.snapshot.rows(), snapshot.rows())
                && Arrays.equals(r.snapshot.values(), snapshot.values());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(snapshot.rows());
    }

    @Override
    public String toString() {
        return "Rows{requestId=" + requestId + ", watermark=" + watermark + ", tableId=" + snapshot.tableId() + ", version=" + snapshot.version()
                + ", rows=" + snapshot.size() + "}";
    }
}
