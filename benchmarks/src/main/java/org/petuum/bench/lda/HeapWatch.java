package org.petuum.bench.lda;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peak heap used by this JVM while it is open, sampled every 50 ms by a daemon thread (so it includes garbage
 * not yet collected: an upper bound on what was live). Under {@code local[*]} the executors run in this JVM, so it
 * is their heap too. Close it to stop the thread; closing waits at most a second for it.
 */
final class HeapWatch implements AutoCloseable {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;
    private volatile boolean open = true;

    private HeapWatch() {
        sample();
        thread = new Thread(() -> {
            while (open) {
                sample();
                try {
                    TimeUnit.MILLISECONDS.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "bench-heap-watch");
        thread.setDaemon(true);
        thread.start();
    }

    static HeapWatch start() {
        return new HeapWatch();
    }

    private void sample() {
        peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
    }

    long peakBytes() {
        sample();
        return peak.get();
    }

    @Override
    public void close() {
        open = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
