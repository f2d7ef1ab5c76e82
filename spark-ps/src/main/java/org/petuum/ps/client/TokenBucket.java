package org.petuum.ps.client;

import java.util.function.LongSupplier;

/**
 * A byte budget that refills at a fixed rate up to a capacity: over any window of {@code T} seconds, what is
 * taken is at most {@code rate × T + capacity}. Time is injected, so tests control it.
 *
 * <p>Not thread-safe: owned by one worker.
 */
public final class TokenBucket {
    private final double bytesPerNano;
    private final double capacity;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    /**
     * @param bytesPerSecond the refill rate
     * @param capacity       the most that can be saved up (and so the largest single take)
     */
    public TokenBucket(double bytesPerSecond, double capacity, LongSupplier nanoTime) {
        if (!(bytesPerSecond > 0) || !(capacity > 0)) {
            throw new IllegalArgumentException("bytesPerSecond : " + bytesPerSecond + ", capacity : " + capacity
                    + " (expected: both > 0)");
        }
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.last = nanoTime.getAsLong();
        this.tokens = 0;
    }

    /** The bytes that may be taken now. */
    public double available() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) * bytesPerNano);
        last = now;
        return tokens;
    }

    /** Takes {@code bytes}, which must not exceed {@link #available()}. */
    public void take(double bytes) {
        if (bytes > tokens + 1e-9) {
            throw new IllegalStateException("took " + bytes + " bytes with only " + tokens + " available");
        }
        tokens -= bytes;
    }

    public double capacity() {
        return capacity;
    }
}
