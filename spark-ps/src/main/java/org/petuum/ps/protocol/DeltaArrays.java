package org.petuum.ps.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * Arrays for the dense rows of the updates a shard decodes ({@code FLUSH}, {@code LAST_FLUSH}, {@code UPDATE}),
 * reused once the message has been handled. A shard adds each such row into its own and keeps nothing of it
 * ({@code ShardState#flush}, {@code applyEarly}), so a fresh array per row per flush would only be work for the
 * allocator and the collector: measured, allocating them took twice the time of adding them.
 *
 * <p>One per connection, holding what it lent since its last {@link #recycle}; the arrays themselves come from a
 * pool of the thread that decodes, the connection's event loop, which keeps at most {@link #MAX_POOLED_BYTES}.
 * Rows narrower than {@link #MIN_POOLED_LENGTH} are allocated as usual. Not thread-safe: used on the
 * connection's event loop only.
 */
public final class DeltaArrays {
    /** The most bytes of idle arrays one thread keeps. */
    static final long MAX_POOLED_BYTES = 16L << 20;
    /** Rows narrower than this are cheaper to allocate than to pool. */
    static final int MIN_POOLED_LENGTH = 128;

    private static final ThreadLocal<Pool> POOLS = ThreadLocal.withInitial(Pool::new);

    private final List<double[]> lent = new ArrayList<>();

    /** An array of {@code length} doubles to decode into (its contents are arbitrary). */
    double[] take(int length) {
        if (length < MIN_POOLED_LENGTH) {
            return new double[length];
        }
        double[] a = POOLS.get().take(length);
        lent.add(a);
        return a;
    }

    /**
     * Takes back every array lent since the last call. The messages they were decoded into must not be used after
     * this: call it once the message has been handled (or refused).
     */
    public void recycle() {
        if (lent.isEmpty()) {
            return;
        }
        Pool pool = POOLS.get();
        for (double[] a : lent) {
            pool.give(a);
        }
        lent.clear();
    }

    /** The number of arrays lent and not yet recycled: for tests. */
    int lent() {
        return lent.size();
    }

    /** One thread's idle arrays, by length. */
    private static final class Pool {
        private final Int2ObjectOpenHashMap<ArrayDeque<double[]>> idle = new Int2ObjectOpenHashMap<>();
        private long bytes;

        double[] take(int length) {
            ArrayDeque<double[]> q = idle.get(length);
            double[] a = q == null ? null : q.pollLast();
            if (a == null) {
                return new double[length];
            }
            bytes -= 8L * length;
            return a;
        }

        void give(double[] a) {
            if (bytes + 8L * a.length > MAX_POOLED_BYTES) {
                return; // the collector takes it
            }
            idle.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
            bytes += 8L * a.length;
        }
    }
}
