package org.petuum.bench;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/** What the straggler benchmarks' workers share: the straggler's pause and the per-clock order of their rows. */
public final class Straggling {
    private Straggling() {
    }

    /**
     * The injected straggler's pause, taken before it ends its clock so that its updates are late too. Sleeps the
     * whole time even if woken spuriously; an interrupt (the task being killed) ends it early, with the flag kept set.
     */
    public static void sleepFor(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /** Shuffles {@code a} in place (Fisher–Yates) with {@code rng}. */
    public static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
