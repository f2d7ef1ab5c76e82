package org.petuum.ps.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableSpec;
import org.petuum.ssp.UpdateRule;

/**
 * Field encodings shared by the messages. Every {@code read…} checks that the bytes it needs are there
 * before it allocates anything, so a hostile length cannot make the receiver allocate more than the frame
 * it already holds.
 */
final class Codec {
    private Codec() {
    }

    static final int MAX_STRING_BYTES = 64 * 1024;
    private static final byte DENSE = 0;
    private static final byte SPARSE = 1;
    /** A sparse row's cell on the wire: int column, double value. */
    private static final int SPARSE_CELL_BYTES = 12;
    /** Sparse cells copied out of a buffer into a scratch array at a time: at most 48 KiB of scratch. */
    private static final int CELLS_PER_CHUNK = 4096;
    /**
     * Each decoding thread's buffer for the cells of sparse rows: reused, since a new one per row was over a quarter of
     * what a shard allocated while adding sparse flushes (a decoder's rows are read one after another, never nested).
     */
    private static final ThreadLocal<byte[]> CHUNK =
            ThreadLocal.withInitial(() -> new byte[SPARSE_CELL_BYTES * CELLS_PER_CHUNK]);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle DOUBLE_BE =
            MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);

    static int stringLength(String s) {
        return 4 + s.getBytes(StandardCharsets.UTF_8).length;
    }

    static void writeString(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    static String readString(ByteBuf in, String field) {
        int n = readCount(in, field, 1);
        if (n > MAX_STRING_BYTES) {
            throw new ProtocolException(field + ": string of " + n + " bytes (expected: <= " + MAX_STRING_BYTES + ")");
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        // Strict: a lenient decode turns each bad byte into U+FFFD (3 bytes), so the string would no longer fit
        // the limit when sent on, and a path would silently name another file.
        ByteBuffer bytes = ByteBuffer.wrap(b);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(field + ": not UTF-8 at byte " + bytes.position() + " of " + n, e);
        }
    }

    /** Reads a non-negative element count and checks that {@code count * minBytesEach} bytes follow. */
    static int readCount(ByteBuf in, String field, int minBytesEach) {
        need(in, 4, field);
        int n = in.readInt();
        if (n < 0 || (long) n * minBytesEach > in.readableBytes()) {
            throw new ProtocolException(field + ": count " + n + " needs at least " + (long) n * minBytesEach
                    + " bytes but only " + in.readableBytes() + " remain");
        }
        return n;
    }

    static void need(ByteBuf in, int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw new ProtocolException("truncated " + field + ": needs " + bytes + " bytes but only "
                    + in.readableBytes() + " remain");
        }
    }

    /**
     * A copy of {@code bytes}, which must hold exactly {@code length} bytes.
     *
     * @throws IllegalArgumentException naming {@code field} otherwise
     */
    static byte[] checkedCopy(byte[] bytes, int length, String field) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException(field + ": " + (bytes == null ? "null" : bytes.length + " bytes")
                    + " (expected: " + length + " bytes)");
        }
        return bytes.clone();
    }

    /** Lower-case hex of {@code bytes}, for {@code toString}. */
    static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(2 * bytes.length);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }

    static int intArrayLength(int[] a) {
        return 4 + 4 * a.length;
    }

    static void writeIntArray(ByteBuf out, int[] a) {
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    static int[] readIntArray(ByteBuf in, String field) {
        int n = readCount(in, field, 4);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    static int rowLength(RowValues row) {
        if (row instanceof DenseRow d) {
            return 1 + 4 + 8 * d.cols();
        }
        return 1 + 4 + 4 + SPARSE_CELL_BYTES * nonZeros((SparseRow) row);
    }

    /**
     * At least {@link #rowLength}, from the row's stored cells without reading them (a sparse row sends only those
     * that are not zero): for accounting that must not pass over every cell.
     */
    static long rowLengthBound(RowValues row) {
        if (row instanceof DenseRow d) {
            return 1 + 4 + 8L * d.cols();
        }
        return 1 + 4 + 4 + (long) SPARSE_CELL_BYTES * row.storedCells();
    }

    /** The stored cells of {@code row} that are not zero: those a sparse row sends. */
    private static int nonZeros(SparseRow row) {
        int n = 0;
        for (int i = 0, stored = row.storedCells(); i < stored; i++) {
            if (row.valueAt(i) != 0.0) {
                n++;
            }
        }
        return n;
    }

    static void writeRow(ByteBuf out, RowValues row) {
        if (row instanceof DenseRow d) {
            out.writeByte(DENSE);
            out.writeInt(d.cols());
            writeDoubles(out, d.array());
            return;
        }
        SparseRow s = (SparseRow) row;
        out.writeByte(SPARSE);
        out.writeInt(s.cols());
        // The count is known once the cells are written: one pass over the row, not a counting pass first.
        int countAt = out.writerIndex();
        out.writeInt(0);
        out.setInt(countAt, writeCells(out, s));
    }

    /**
     * Writes the non-zero cells of {@code row} as (int column, double value) pairs, big-endian, in increasing column
     * order, and returns their number. Netty's own {@code writeInt} and {@code writeDouble}: measured, they cost less
     * per cell than filling a scratch array and copying it, or an NIO view of the buffer (an object per row).
     */
    private static int writeCells(ByteBuf out, SparseRow row) {
        int written = 0;
        for (int i = 0, stored = row.storedCells(); i < stored; i++) {
            double v = row.valueAt(i);
            if (v != 0.0) {
                out.writeInt(row.columnAt(i));
                out.writeDouble(v);
                written++;
            }
        }
        return written;
    }

    /**
     * Writes {@code values} little-endian (the order of the machines this runs on, so the copy needs no byte
     * swap: measured 1.5 to 3 times faster than big-endian for rows that are not in cache) in one bulk copy through
     * a view of the buffer's memory (a loop of {@code writeDouble} costs a bounds check per value).
     */
    static void writeDoubles(ByteBuf out, double[] values) {
        int bytes = 8 * values.length;
        out.ensureWritable(bytes);
        int at = out.writerIndex();
        if (out.hasArray()) {
            ByteBuffer.wrap(out.array(), out.arrayOffset() + at, bytes).order(ByteOrder.LITTLE_ENDIAN)
                    .asDoubleBuffer().put(values);
            out.writerIndex(at + bytes);
        } else if (out.hasMemoryAddress() && out.nioBufferCount() == 1) {
            // A plain direct buffer: its NIO view shares the memory.
            out.nioBuffer(at, bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(values);
            out.writerIndex(at + bytes);
        } else {
            for (double v : values) {
                out.writeDoubleLE(v);
            }
        }
    }

    /**
     * Reads {@code into.length} little-endian doubles (see {@link #writeDoubles}) in bulk copies, one per memory region of the buffer (a large
     * frame arrives as a composite of the reads that carried it; a value may straddle two of them). The caller
     * checked that the bytes are there.
     */
    static void readDoubles(ByteBuf in, double[] into) {
        int bytes = 8 * into.length;
        int at = in.readerIndex();
        if (in.nioBufferCount() == 1) {
            in.nioBuffer(at, bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(into);
        } else {
            int next = 0;
            ByteBuffer straddling = ByteBuffer.allocate(Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (ByteBuffer part : in.nioBuffers(at, bytes)) {
                part.order(ByteOrder.LITTLE_ENDIAN);
                while (straddling.position() > 0 && part.hasRemaining()) {
                    straddling.put(part.get());
                    if (!straddling.hasRemaining()) {
                        into[next++] = straddling.flip().getDouble();
                        straddling.clear();
                    }
                }
                int whole = part.remaining() / Double.BYTES;
                part.asDoubleBuffer().get(into, next, whole);
                next += whole;
                part.position(part.position() + whole * Double.BYTES);
                straddling.put(part);
            }
        }
        in.readerIndex(at + bytes);
    }

    /**
     * Reads {@code n} (int column, double value) pairs, big-endian, into {@code row}, copied out of the buffer a
     * chunk of at most {@link #CELLS_PER_CHUNK} cells at a time: one bulk copy for any kind of buffer, then plain
     * loads (as fast as Netty's {@code readInt}/{@code readDouble} per cell, measured, and far cheaper than an NIO
     * view of a direct buffer per row). The caller checked that the bytes are there.
     *
     * @throws ProtocolException naming {@code field} for a column outside {@code [0, cols)}
     */
    private static void readCells(ByteBuf in, int n, SparseRow.Builder row, String field) {
        byte[] chunk = CHUNK.get();
        try {
            for (int from = 0; from < n; from += CELLS_PER_CHUNK) {
                int cells = Math.min(CELLS_PER_CHUNK, n - from);
                in.readBytes(chunk, 0, SPARSE_CELL_BYTES * cells);
                for (int i = 0, p = 0; i < cells; i++, p += SPARSE_CELL_BYTES) {
                    row.append((int) INT_BE.get(chunk, p), (double) DOUBLE_BE.get(chunk, p + 4));
                }
            }
        } catch (IndexOutOfBoundsException e) {
            // The builder checks every column against the row's width: "column c outside [0, cols)".
            throw new ProtocolException(field + ": " + e.getMessage(), e);
        }
    }

    static RowValues readRow(ByteBuf in, String field) {
        return readRow(in, field, null);
    }

    /** As {@link #readRow(ByteBuf, String)}, a dense row into an array from {@code deltas} when it is given. */
    static RowValues readRow(ByteBuf in, String field, DeltaArrays deltas) {
        need(in, 5, field);
        byte kind = in.readByte();
        int cols = in.readInt();
        if (cols <= 0) {
            throw new ProtocolException(field + ": row width " + cols + " (expected: > 0)");
        }
        if (kind == DENSE) {
            if ((long) cols * 8 > in.readableBytes()) {
                throw new ProtocolException(field + ": dense row of " + cols + " columns needs " + (long) cols * 8
                        + " bytes but only " + in.readableBytes() + " remain");
            }
            double[] v = deltas == null ? new double[cols] : deltas.take(cols);
            readDoubles(in, v);
            return DenseRow.wrap(v);
        }
        if (kind == SPARSE) {
            int n = readCount(in, field, SPARSE_CELL_BYTES);
            SparseRow.Builder row = SparseRow.builder(cols, n);
            readCells(in, n, row, field);
            // Sorted and unique, as every SparseRow sends them: stored as they came. Anything else (a hostile or
            // foreign frame) is sorted and its repeated columns added up.
            return row.build();
        }
        throw new ProtocolException(field + ": row kind " + kind + " (expected: 0 dense or 1 sparse)");
    }

    /** At least {@link #updatesLength}, without reading the cells of sparse rows (see {@link #rowLengthBound}). */
    static long updatesLengthBound(List<RowUpdate> updates) {
        return updatesBytes(updates, Codec::rowLengthBound);
    }

    /** Bytes of a list of row updates: count, then per update table id, row id and the row. */
    static int updatesLength(List<RowUpdate> updates) {
        return (int) updatesBytes(updates, Codec::rowLength);
    }

    private static long updatesBytes(List<RowUpdate> updates, ToLongFunction<RowValues> rowBytes) {
        long n = 4;
        for (RowUpdate u : updates) {
            n += 8 + rowBytes.applyAsLong(u.delta());
        }
        return n;
    }

    static void writeUpdates(ByteBuf out, List<RowUpdate> updates) {
        out.writeInt(updates.size());
        for (RowUpdate u : updates) {
            out.writeInt(u.tableId());
            out.writeInt(u.row());
            writeRow(out, u.delta());
        }
    }

    /**
     * A list of row updates as {@link #writeUpdates} wrote it, dense rows into arrays from {@code deltas} when it is
     * given (see {@link DeltaArrays}).
     */
    static List<RowUpdate> readUpdates(ByteBuf in, String field, DeltaArrays deltas) {
        int n = readCount(in, field + " updates", 13);
        // The names of the fields, for errors, built once a message: not once a row.
        String update = field + " update";
        String updateRow = field + " update row";
        List<RowUpdate> updates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            need(in, 8, update);
            int table = in.readInt();
            int row = in.readInt();
            updates.add(new RowUpdate(table, row, readRow(in, updateRow, deltas)));
        }
        return updates;
    }

    /** Bytes of a rows snapshot: table id, version, count, then per row its id and the row. */
    static int snapshotLength(RowsSnapshot snapshot) {
        int n = 4 + 8 + 4;
        for (RowValues v : snapshot.values()) {
            n += 4 + rowLength(v);
        }
        return n;
    }

    static void writeSnapshot(ByteBuf out, RowsSnapshot snapshot) {
        out.writeInt(snapshot.tableId());
        out.writeLong(snapshot.version());
        out.writeInt(snapshot.size());
        for (int i = 0; i < snapshot.size(); i++) {
            out.writeInt(snapshot.rows()[i]);
            writeRow(out, snapshot.values()[i]);
        }
    }

    static RowsSnapshot readSnapshot(ByteBuf in, String field) {
        need(in, 16, field);
        int table = in.readInt();
        long version = in.readLong();
        int n = readCount(in, field + " rows", 9);
        String rowId = field + " row id";
        String row = field + " row";
        int[] rows = new int[n];
        RowValues[] values = new RowValues[n];
        for (int i = 0; i < n; i++) {
            need(in, 4, rowId);
            rows[i] = in.readInt();
            values[i] = readRow(in, row);
        }
        return new RowsSnapshot(table, version, rows, values);
    }

    static int specLength(TableSpec spec) {
        return stringLength(spec.name()) + 1 + 4 + 4 + 1 + 4 + 8 + 1 + 8 * spec.updateRule().kind().parameterCount();
    }

    static void writeSpec(ByteBuf out, TableSpec spec) {
        writeString(out, spec.name());
        out.writeByte(spec.storage().ordinal());
        out.writeInt(spec.rows());
        out.writeInt(spec.cols());
        out.writeByte(spec.consistency().model().ordinal());
        out.writeInt(spec.consistency().staleness());
        out.writeDouble(spec.consistency().valueBound());
        out.writeByte(spec.updateRule().kind().ordinal());
        for (double p : spec.updateRule().parameters()) {
            out.writeDouble(p);
        }
    }

    static TableSpec readSpec(ByteBuf in) {
        String name = readString(in, "table name");
        need(in, 22, "table spec");
        byte storage = in.readByte();
        int rows = in.readInt();
        int cols = in.readInt();
        byte model = in.readByte();
        int staleness = in.readInt();
        double valueBound = in.readDouble();
        Consistency.Model[] models = Consistency.Model.values();
        if (storage != 0 && storage != 1) {
            throw new ProtocolException("table storage " + storage + " (expected: 0 dense or 1 sparse)");
        }
        if (model < 0 || model >= models.length) {
            throw new ProtocolException("consistency model " + model + " (expected: 0.." + (models.length - 1) + ")");
        }
        need(in, 1, "table update rule");
        byte ruleKind = in.readByte();
        UpdateRule.Kind[] kinds = UpdateRule.Kind.values();
        if (ruleKind < 0 || ruleKind >= kinds.length) {
            throw new ProtocolException("update rule " + ruleKind + " (expected: 0.." + (kinds.length - 1) + ")");
        }
        double[] ruleParameters = new double[kinds[ruleKind].parameterCount()];
        need(in, 8 * ruleParameters.length, "update rule parameters");
        for (int p = 0; p < ruleParameters.length; p++) {
            ruleParameters[p] = in.readDouble();
        }
        try {
            TableSpec spec = storage == 0 ? TableSpec.dense(name, rows, cols) : TableSpec.sparse(name, rows, cols);
            return spec.consistency(Consistency.of(models[model], staleness, valueBound))
                    .updateRule(UpdateRule.of(kinds[ruleKind], ruleParameters));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid table spec: " + e.getMessage(), e);
        }
    }
}
