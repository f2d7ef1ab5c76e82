package org.petuum.ps.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.CompositeByteBuf;
import org.petuum.shaded.io.netty.buffer.PooledByteBufAllocator;
import org.petuum.shaded.io.netty.buffer.Unpooled;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.SparseRow;

/**
 * The sparse row encoding of {@link Codec} on every kind of buffer it meets (heap, pooled direct, and a composite
 * of several, which has no single memory view): seeded random rows survive a round trip, stored zeros are not sent,
 * and a frame from elsewhere whose columns are out of order or repeated adds up as a row built cell by cell would,
 * while a column outside the row is refused naming it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SparseCodecTest {
    private static final List<Supplier<ByteBuf>> BUFFERS = List.of(
            Unpooled::buffer,
            () -> PooledByteBufAllocator.DEFAULT.directBuffer(16),
            () -> Unpooled.compositeBuffer());

    private static int nonZeros(RowValues row) {
        int[] n = {0};
        row.forEachNonZero((c, v) -> n[0]++);
        return n[0];
    }

    @Test
    void randomRowsSurviveARoundTripOnEveryKindOfBuffer() {
        SplittableRandom rng = new SplittableRandom(3);
        for (Supplier<ByteBuf> kind : BUFFERS) {
            for (int round = 0; round < 500; round++) {
                int cols = 1 + rng.nextInt(round % 2 == 0 ? 30 : 1_000_000);
                SparseRow row = SparseRow.empty(cols);
                int cells = rng.nextInt(Math.min(cols, 200) + 1);
                for (int i = 0; i < cells; i++) {
                    // Some stored zeros: the codec sends only the non-zero cells.
                    row.add(rng.nextInt(cols), rng.nextInt(4) == 0 ? 0.0 : rng.nextDouble(-1e6, 1e6));
                }
                ByteBuf buf = written(kind.get(), row);
                try {
                    assertEquals(Codec.rowLength(row), buf.readableBytes(), "encoded length");
                    // The bound counts the stored zeros too: never below the length, equal without them.
                    assertEquals(Codec.rowLength(row) + 12L * (row.storedCells() - nonZeros(row)),
                            Codec.rowLengthBound(row), "bound of the encoded length");
                    int[] nonZero = {0};
                    row.forEachNonZero((c, v) -> nonZero[0]++);
                    assertEquals(nonZero[0], buf.getInt(buf.readerIndex() + 5), "cells on the wire");
                    RowValues back = Codec.readRow(buf, "row");
                    assertInstanceOf(SparseRow.class, back);
                    assertEquals(row, back);
                    assertEquals(nonZero[0], back.storedCells(), "stored cells after decoding");
                    assertEquals(0, buf.readableBytes(), "the row is read to its end");
                } finally {
                    buf.release();
                }
            }
        }
    }

    @Test
    void everyKindOfBufferIsWrittenWithTheSameBytes() {
        SplittableRandom rng = new SplittableRandom(8);
        for (int round = 0; round < 200; round++) {
            SparseRow row = SparseRow.empty(5_000);
            for (int i = rng.nextInt(300); i > 0; i--) {
                row.add(rng.nextInt(5_000), rng.nextInt(3) == 0 ? 0.0 : rng.nextDouble());
            }
            ByteBuf expected = Unpooled.buffer();
            Codec.writeRow(expected, row);
            for (Supplier<ByteBuf> kind : BUFFERS) {
                ByteBuf buf = kind.get();
                buf.writeByte(42); // not at the start of the buffer
                Codec.writeRow(buf, row);
                try {
                    assertEquals(expected, buf.skipBytes(1), "bytes written into " + buf.getClass().getSimpleName());
                } finally {
                    buf.release();
                }
            }
            expected.release();
        }
    }

    @Test
    void columnsOutOfOrderOrRepeatedFromTheWireAddUp() {
        SplittableRandom rng = new SplittableRandom(4);
        for (Supplier<ByteBuf> kind : BUFFERS) {
            for (int round = 0; round < 500; round++) {
                int cols = 1 + rng.nextInt(40);
                int n = rng.nextInt(60);
                ByteBuf buf = kind.get();
                buf.writeByte(1).writeInt(cols).writeInt(n);
                TreeMap<Integer, Double> expected = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    int c = rng.nextInt(cols);
                    double v = rng.nextInt(-3, 4);
                    buf.writeInt(c).writeDouble(v);
                    expected.merge(c, v, Double::sum);
                }
                try {
                    SparseRow back = (SparseRow) Codec.readRow(buf, "row");
                    assertEquals(expected.size(), back.storedCells(), "one cell per distinct column");
                    int i = 0;
                    for (var e : expected.entrySet()) {
                        assertEquals(e.getKey(), back.columnAt(i));
                        assertEquals(e.getValue(), back.valueAt(i++), "column " + e.getKey());
                    }
                } finally {
                    buf.release();
                }
            }
        }
    }

    @Test
    void aColumnOutsideTheRowIsRefusedWhereverItIs() {
        for (Supplier<ByteBuf> kind : BUFFERS) {
            for (int bad : new int[] {10, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                for (int position = 0; position < 3; position++) {
                    ByteBuf buf = kind.get();
                    buf.writeByte(1).writeInt(10).writeInt(3);
                    for (int i = 0; i < 3; i++) {
                        buf.writeInt(i == position ? bad : i + 1).writeDouble(1.0);
                    }
                    try {
                        ProtocolException e =
                                assertThrows(ProtocolException.class, () -> Codec.readRow(buf, "FLUSH row"));
                        assertTrue(e.getMessage().contains("FLUSH row: column " + bad + " outside [0, 10)"),
                                e.getMessage());
                    } finally {
                        buf.release();
                    }
                }
            }
        }
    }

    @Test
    void rowsAroundTheScratchSizeInOneMessageAndOnSeveralThreads() throws Exception {
        // Each decoding thread reuses one scratch array of 4,096 cells: rows just under, at and over it, one after
        // another in a message, read back on four threads at once.
        SplittableRandom rng = new SplittableRandom(8);
        int cols = 1_000_000;
        List<RowUpdate> updates = new java.util.ArrayList<>();
        for (int n : new int[] {4_095, 4_096, 4_097, 9_000, 1, 0, 12_289}) {
            int[] columns = rng.ints(n, 0, cols).distinct().sorted().toArray();
            double[] values = rng.doubles(columns.length, -1e3, 1e3).toArray();
            updates.add(new RowUpdate(7, updates.size(), SparseRow.of(cols, columns, values)));
        }
        ByteBuf buf = Unpooled.buffer();
        Codec.writeUpdates(buf, updates);
        try {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<List<RowUpdate>>> reads = new java.util.ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    ByteBuf copy = buf.duplicate();
                    reads.add(pool.submit(() -> Codec.readUpdates(copy, "flush", null)));
                }
                for (java.util.concurrent.Future<List<RowUpdate>> read : reads) {
                    List<RowUpdate> back = read.get(30, TimeUnit.SECONDS);
                    assertEquals(updates.size(), back.size());
                    for (int i = 0; i < updates.size(); i++) {
                        assertEquals(updates.get(i).delta(), back.get(i).delta(), "row " + i);
                        assertEquals(updates.get(i).delta().storedCells(), back.get(i).delta().storedCells());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void aCountLargerThanTheBytesLeftIsRefusedBeforeAllocating() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(1).writeInt(10).writeInt(2).writeInt(1).writeDouble(1.0); // two cells announced, one sent
        try {
            ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readRow(buf, "row"));
            assertTrue(e.getMessage().contains("count 2 needs at least 24 bytes but only 12 remain"), e.getMessage());
        } finally {
            buf.release();
        }
    }

    /** {@code row} written into {@code buf}; a composite gets it in several components, cut mid-cell. */
    private static ByteBuf written(ByteBuf buf, SparseRow row) {
        if (!(buf instanceof CompositeByteBuf composite)) {
            Codec.writeRow(buf, row);
            return buf;
        }
        ByteBuf whole = Unpooled.buffer();
        Codec.writeRow(whole, row);
        while (whole.isReadable()) {
            composite.addComponent(true, whole.readRetainedSlice(Math.min(7, whole.readableBytes())));
        }
        whole.release();
        return composite;
    }
}
