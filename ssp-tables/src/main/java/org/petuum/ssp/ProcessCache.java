package org.petuum.ssp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The rows that one executor JVM has fetched, shared by all the tasks that run in it, so that a row read
 * by one worker can serve the others as long as it is fresh enough for them.
 *
 * <p>Thread-safe: tasks read it and the network threads install rows concurrently. A row is replaced only
 * by one fetched later on its shard's connection (a larger {@code fetchSeq}), so an answer that overtakes
 * another never rolls a row back.
 *
 * <p>Bounded when asked: with {@code maxRows > 0}, installing a row beyond the bound evicts a sweep of rows
 * (about a sixteenth of the bound, in the map's hash order, which is unrelated to use). An evicted row is
 * simply fetched again when read; correctness never depends on what the cache holds.
 */
public final class ProcessCache {
    private final ConcurrentHashMap<Long, CachedRow> rows = new ConcurrentHashMap<>();
    private final int maxRows;
    private final java.util.concurrent.atomic.AtomicLong evicted = new java.util.concurrent.atomic.AtomicLong();
    private final Object installed = new Object();
    private volatile int waiters;

    /**
     * Which of two copies of a row to keep: the one holding more of this process's requests; of two holding the
     * same (a push after an answer, both up to the same request), the one of the larger version. Either is a
     * valid row for its watermark and version, so a wrong guess only costs freshness, never correctness.
     */
    private static CachedRow newer(CachedRow old, CachedRow neu) {
        if (neu.fetchSeq() != old.fetchSeq()) {
            return neu.fetchSeq() > old.fetchSeq() ? neu : old;
        }
        return neu.version() >= old.version() ? neu : old;
    }

    /** An unbounded cache. */
    public ProcessCache() {
        this(0);
    }

    /** A cache of at most {@code maxRows} rows ({@code 0}: unbounded). */
    public ProcessCache(int maxRows) {
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows : " + maxRows + " (expected: >= 0, 0 for unbounded)");
        }
        this.maxRows = maxRows;
    }

    /** The rows evicted so far to keep within the bound. */
    public long evicted() {
        return evicted.get();
    }

    private void evictOverflow() {
        int target = maxRows - Math.max(1, maxRows / 16);
        for (java.util.Iterator<Long> it = rows.keySet().iterator(); rows.size() > target && it.hasNext(); ) {
            it.next();
            it.remove();
            evicted.incrementAndGet();
        }
    }

    private static long key(int tableId, int row) {
        return ((long) tableId << 32) | (row & 0xffffffffL);
    }

    /** The cached row, or {@code null}. */
    public CachedRow get(int tableId, int row) {
        return rows.get(key(tableId, row));
    }

    /** Installs a fetched row unless a row fetched later is already there. */
    public void install(int tableId, int row, CachedRow fetched) {
        rows.merge(key(tableId, row), fetched, ProcessCache::newer);
        if (maxRows > 0 && rows.size() > maxRows) {
            evictOverflow();
        }
        if (waiters > 0) {
            synchronized (installed) {
                installed.notifyAll();
            }
        }
    }

    /**
     * Waits until the cached row satisfies {@code until}, at most until {@code deadlineNanos}
     * ({@link System#nanoTime()} time): how a reader waits for a row that a shard is pushing anyway.
     *
     * @return the cached row then (possibly still not satisfying {@code until}, or {@code null}, if the deadline
     *         passed)
     */
    public CachedRow await(int tableId, int row, Predicate<CachedRow> until, long deadlineNanos)
            throws InterruptedException {
        synchronized (installed) {
            waiters++;
            try {
                while (true) {
                    CachedRow c = rows.get(key(tableId, row));
                    long left = deadlineNanos - System.nanoTime();
                    if ((c != null && until.test(c)) || left <= 0) {
                        return c;
                    }
                    installed.wait(Math.max(1, left / 1_000_000));
                }
            } finally {
                waiters--;
            }
        }
    }

    /** Forgets every row of one table (it was dropped or recreated). */
    public void invalidateTable(int tableId) {
        rows.keySet().removeIf(k -> (int) (k >>> 32) == tableId);
    }

    /** Forgets every row. */
    public void clear() {
        rows.clear();
    }

    public int size() {
        return rows.size();
    }
}
