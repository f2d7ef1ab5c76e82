package org.petuum.ps.protocol;

import java.util.Arrays;
import java.util.Objects;
import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * Asks for rows of a table at version {@code minVersion} or newer; the shard answers with {@link Rows} once its
 * minimum clock reaches it, or with an {@link ErrorResponse} of code TIMEOUT after {@code timeoutMs}.
 * {@code worker} and {@code workerClock} name the reader in that error. (A wait for clocks alone is
 * {@link AwaitClock}.)
 */
public record GetRows(long requestId, int tableId, long minVersion, int worker, int workerClock, long timeoutMs,
                      int[] rows) implements Message {
    @Override
    public MessageType type() {
        return MessageType.GET_ROWS;
    }

    @Override
    public int encodedLength() {
        return 8 + 4 + 8 + 4 + 4 + 8 + Codec.intArrayLength(rows);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeInt(tableId);
        out.writeLong(minVersion);
        out.writeInt(worker);
        out.writeInt(workerClock);
        out.writeLong(timeoutMs);
        Codec.writeIntArray(out, rows);
    }

    public static GetRows decode(ByteBuf in) {
        Codec.need(in, 36, "GET_ROWS");
        return new GetRows(in.readLong(), in.readInt(), in.readLong(), in.readInt(), in.readInt(), in.readLong(),
                Codec.readIntArray(in, "GET_ROWS rows"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GetRows g && g.requestId == requestId && g.tableId == tableId
                && g.minVersion == minVersion && g.worker == worker && g.workerClock == workerClock
                && g.timeoutMs == timeoutMs && Arrays.equals(g.rows, rows);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, tableId, minVersion, worker, workerClock, timeoutMs) * 31 + Arrays.hashCode(rows);
    }

    @Override
    public String toString() {
        return "GetRows{requestId=" + requestId + ", tableId=" + tableId + ", minVersion=" + minVersion + ", worker="
                + worker + ", workerClock=" + workerClock + ", timeoutMs=" + timeoutMs + ", rows="
                + (rows.length <= 16 ? Arrays.toString(rows) : rows.length + " rows") + "}";
    }
}
