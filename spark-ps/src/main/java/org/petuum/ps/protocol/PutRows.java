package org.petuum.ps.protocol;

import java.util.Arrays;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ssp.RowValues;

/**
 * Sets rows of a table to the given values, replacing what they held: how the driver loads initial or saved
 * values between runs. Answered by {@link Ack}.
 */
public record PutRows(long requestId, int tableId, int[] rows, RowValues[] values) implements Message {
    public PutRows {
        if (rows.length != values.length) {
            throw new IllegalArgumentException("rows and values differ in length: " + rows.length + " vs " + values.length);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PUT_ROWS;
    }

    @Override
    public int encodedLength() {
        int n = 8 + 4 + 4;
        for (RowValues v : values) {
            n += 4 + Codec.rowLength(v);
        }
        return n;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeInt(tableId);
        out.writeInt(rows.length);
        for (int i = 0; i < rows.length; i++) {
            out.writeInt(rows[i]);
            Codec.writeRow(out, values[i]);
        }
    }

    public static PutRows decode(ByteBuf in) {
        Codec.need(in, 12, "PUT_ROWS");
        long id = in.readLong();
        int table = in.readInt();
        int n = Codec.readCount(in, "PUT_ROWS rows", 9);
        int[] rows = new int[n];
        RowValues[] values = new RowValues[n];
        for (int i = 0; i < n; i++) {
            Codec.need(in, 4, "PUT_ROWS row id");
            rows[i] = in.readInt();
            values[i] = Codec.readRow(in, "PUT_ROWS row");
        }
        return new PutRows(id, table, rows, values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PutRows p && p.requestId == requestId && p.tableId == tableId
                && Arrays.equals(p.rows, rows) && Arrays.equals(p.values, values);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(rows);
    }

    @Override
    public String toString() {
        return "PutRows{requestId=" + requestId + ", tableId=" + tableId + ", rows=" + rows.length + "}";
    }
}
