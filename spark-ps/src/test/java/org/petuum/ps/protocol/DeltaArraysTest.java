package org.petuum.ps.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.Unpooled;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.SparseRow;

/** The arrays a shard decodes update rows into: reused only once taken back, and always filled afresh. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeltaArraysTest {

    @Test
    void arraysComeBackOnlyAfterRecycleAndAreOverwrittenExactly() {
        DeltaArrays deltas = new DeltaArrays();
        Flush first = flush(1, 4, 512, 1);
        Flush decoded = (Flush) MessageDecoder.decode(wire(first), deltas);
        assertEquals(first.updates(), decoded.updates());
        assertEquals(4, deltas.lent());
        Set<double[]> firstArrays = arrays(decoded);

        // Not recycled yet: a second message gets arrays of its own.
        Flush second = flush(2, 4, 512, 2);
        Flush decodedSecond = (Flush) MessageDecoder.decode(wire(second), deltas);
        for (double[] a : arrays(decodedSecond)) {
            assertTrue(!firstArrays.contains(a), "an array still lent was handed out again");
        }
        assertEquals(first.updates(), decoded.updates(), "decoding the second message changed the first");

        deltas.recycle();
        assertEquals(0, deltas.lent());
        Flush third = flush(3, 8, 512, 3);
        Flush decodedThird = (Flush) MessageDecoder.decode(wire(third), deltas);
        assertEquals(third.updates(), decodedThird.updates(), "a reused array must hold exactly the new row");
        long reused = arrays(decodedThird).stream().filter(firstArrays::contains).count();
        assertTrue(reused > 0, "recycled arrays are reused");
        deltas.recycle();
    }

    @Test
    void narrowRowsAndSparseRowsAreNotPooled() {
        DeltaArrays deltas = new DeltaArrays();
        List<RowUpdate> updates = List.of(
                new RowUpdate(0, 1, DenseRow.wrap(new double[DeltaArrays.MIN_POOLED_LENGTH - 1])),
                new RowUpdate(0, 2, SparseRow.of(1000, new int[] {3, 999}, new double[] {1, -2})));
        Flush f = new Flush(1, 5, 0, 0, updates);
        Flush decoded = (Flush) MessageDecoder.decode(wire(f), deltas);
        assertEquals(f.updates(), decoded.updates());
        assertEquals(0, deltas.lent());
    }

    @Test
    void earlyUpdatesUseThemTooAndADecoderWithoutThemAllocates() {
        DeltaArrays deltas = new DeltaArrays();
        Update u = new Update(7, 5, 1, 3, flush(4, 2, 256, 4).updates());
        Update decoded = (Update) MessageDecoder.decode(wire(u), deltas);
        assertEquals(u.updates(), decoded.updates());
        assertEquals(2, deltas.lent());
        deltas.recycle();
        Flush plain = (Flush) MessageDecoder.decode(wire(flush(5, 2, 256, 5)));
        Flush again = (Flush) MessageDecoder.decode(wire(flush(5, 2, 256, 5)));
        double[] a = ((DenseRow) plain.updates().get(0).delta()).array();
        assertNotSame(a, ((DenseRow) again.updates().get(0).delta()).array());
        assertArrayEquals(a, ((DenseRow) again.updates().get(0).delta()).array());
    }

    @Test
    void theIdleArraysOfAThreadAreBounded() throws Exception {
        // On a thread of its own: the pool is the thread's, and other tests leave arrays in theirs.
        FutureTask<Void> task = new FutureTask<>(() -> {
            idleArraysBounded();
            return null;
        });
        Thread t = new Thread(task, "delta-arrays-test");
        t.start();
        task.get(30, TimeUnit.SECONDS);
    }

    private static void idleArraysBounded() {
        int width = 1 << 16; // 512 KiB a row
        int rows = (int) (2 * DeltaArrays.MAX_POOLED_BYTES / (8L * width));
        DeltaArrays deltas = new DeltaArrays();
        List<double[]> taken = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            taken.add(deltas.take(width));
        }
        deltas.recycle();
        // Only half of them fit the bound: the other half are new arrays when taken again.
        Set<double[]> before = Collections.newSetFromMap(new IdentityHashMap<>());
        before.addAll(taken);
        long again = 0;
        for (int i = 0; i < rows; i++) {
            if (before.contains(deltas.take(width))) {
                again++;
            }
        }
        assertEquals(rows / 2, again);
        deltas.recycle();
        double[] one = deltas.take(width);
        deltas.recycle();
        assertSame(one, deltas.take(width), "the last array given back is the first taken");
        deltas.recycle();
    }

    private static Flush flush(int clock, int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<RowUpdate> updates = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            updates.add(new RowUpdate(0, r, DenseRow.wrap(rng.doubles(cols).toArray())));
        }
        return new Flush(clock, 5, 0, clock, updates);
    }

    private static ByteBuf wire(Message m) {
        ByteBuf b = Unpooled.buffer();
        MessageEncoder.encode(m, b);
        return b.skipBytes(FrameLayout.LENGTH_BYTES);
    }

    private static Set<double[]> arrays(Message m) {
        Set<double[]> out = Collections.newSetFromMap(new IdentityHashMap<>());
        List<RowUpdate> updates = m instanceof Flush f ? f.updates() : ((Update) m).updates();
        for (RowUpdate u : updates) {
            out.add(((DenseRow) u.delta()).array());
        }
        return out;
    }
}
