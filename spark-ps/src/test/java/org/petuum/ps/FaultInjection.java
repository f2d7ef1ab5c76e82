package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fault injection that the recovery tests share: the counting worker loop they run on
 * {@code local-cluster}, the faults a worker injects into it (a task that throws, an executor JVM that halts, a
 * corrupted checkpoint image), the once-only markers that keep a relaunched worker from failing again, and the
 * check of exact counter sums.
 *
 * <p>Everything here runs inside executor tasks as well as on the driver; the hooks are serialisable closures.
 */
final class FaultInjection {
    private FaultInjection() {
    }

    /** What a worker adds to its column of {@code row} in clock {@code clock}. */
    interface Increment extends Serializable {
        double of(int row, int clock);
    }

    /** The counting increment: clock {@code c} adds {@code c + 1}, so {@code clocks} clocks sum to a triangle. */
    static final Increment COUNTING = (row, clock) -> clock + 1;

    /**
     * Called by a worker at the start of each clock, after its read and before its increments: where faults are
     * injected. May throw (a task failure), halt the JVM, or wait.
     */
    interface ClockHook extends Serializable {
        void at(PsWorker worker, int clock) throws Exception;
    }

    /** A hook that injects nothing. */
    static final ClockHook NONE = (worker, clock) -> {
    };

    /** A fault a worker injects into its attempt. */
    enum Fault {
        /** The task throws. */
        THROW,
        /** The executor JVM halts, as a crash does: no exception, no shutdown hooks. */
        HALT,
        /** Shard 0's newest complete checkpoint image gets a flipped byte ({@link #corruptNewestImage}); then the
         * task throws. */
        CORRUPT;

        /**
         * Injects this fault, a {@link #CORRUPT} one into the images of attempt {@code attempt} under {@code root};
         * never returns normally.
         */
        void inject(String root, long attempt, String what) throws Exception {
            if (this == HALT) {
                Runtime.getRuntime().halt(137); // an executor crash, not an exception
            }
            String corrupted = "";
            if (this == CORRUPT) {
                corrupted = corruptNewestImage(root, attempt).map(p -> " after corrupting " + p)
                        .orElse(" (attempt " + attempt + " had no image to corrupt yet)");
            }
            throw new IllegalStateException("injected " + name().toLowerCase(Locale.ROOT) + ": " + what + corrupted);
        }
    }

    /**
     * The body of a counting worker: from its current clock to {@code clocks}, each clock reads row 0 (which keeps
     * the workers within their table's bound of each other, so that checkpoints exist when a fault comes), sleeps
     * {@code sleepMs} (clocks of real work take time; without it a crash can come before a checkpoint is on disk),
     * calls {@code hook}, adds {@code increment} to its column of every row and clocks.
     *
     * @return the clock the worker started at (0, or the clock of the checkpoint its attempt resumed from)
     */
    static int countingLoop(PsWorker worker, String table, int rows, int clocks, long sleepMs, Increment increment,
                            ClockHook hook) throws Exception {
        int started = worker.currentClock();
        PsTable t = worker.table(table);
        for (int c = started; c < clocks; c++) {
            t.get(0);
            Thread.sleep(sleepMs);
            hook.at(worker, c);
            for (int r = 0; r < rows; r++) {
                t.inc(r, worker.id(), increment.of(r, c));
            }
            worker.clock();
        }
        return started;
    }

    /**
     * Whether this is the first call for {@code name} in {@code folder}, across every JVM of the test: a marker
     * file, created atomically. A relaunched worker that finds it does not inject the same fault again.
     */
    static boolean once(String folder, String name) throws IOException {
        return new File(folder, name).createNewFile();
    }

    /** Whether the marker {@code name} exists in {@code folder} (see {@link #once}). */
    static boolean happened(String folder, String name) {
        return new File(folder, name).exists();
    }

    /**
     * Asserts that every worker added {@code 1 + 2 + … + clocks} to its column of every row: nothing lost, nothing
     * counted twice.
     */
    static void assertExactSums(PsContext ps, String table, int rows, int clocks, String context) {
        double expected = clocks * (clocks + 1) / 2.0;
        double[][] cells = ps.readDense(table);
        for (int r = 0; r < rows; r++) {
            assertArrayEquals(new double[] {expected, expected}, cells[r], context + ", row " + r + " of " + table);
        }
    }

    /**
     * Flips a byte in the middle of shard 0's image in the newest checkpoint of attempt {@code attempt} (the run id
     * of the attempt that wrote it) under {@code root} that every shard has completed, so that recovery would pick
     * it and must fall back to an older one. Only the attempt's own images: a shard keeps two complete checkpoints
     * per attempt, so one corrupted image per attempt is what recovery is built to pass over. A run's start image
     * (clock 0) is left alone: it is the last resort, without which a run cannot be recovered at all.
     *
     * @return the image corrupted, if the attempt had one to corrupt
     */
    static Optional<Path> corruptNewestImage(String root, long attempt) throws IOException {
        return corruptNewestImage(root, attempt, 0);
    }

    /**
     * As {@link #corruptNewestImage(String, long)}, waiting up to {@code waitMs} for the attempt to complete a
     * checkpoint if it has none yet (its images are written off the shards' threads).
     */
    static Optional<Path> corruptNewestImage(String root, long attempt, long waitMs) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (true) {
            Optional<Path> image = corruptNewestImageNow(root, attempt);
            if (image.isPresent() || System.nanoTime() >= deadline) {
                return image;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return image;
            }
        }
    }

    private static Optional<Path> corruptNewestImageNow(String root, long attempt) throws IOException {
        String start = String.format(Locale.ROOT, "clock-%010d", 0);
        String attemptDir = "attempt-" + attempt;
        try (Stream<Path> all = Files.walk(Path.of(root))) {
            Optional<Path> newest = all.filter(f -> isShardImage(f, 0) && complete(f.getParent())
                            && !f.getParent().getFileName().toString().equals(start)
                            && f.getParent().getParent().getFileName().toString().equals(attemptDir))
                    .max(Comparator.comparingLong(FaultInjection::modified));
            if (newest.isPresent()) {
                flipMiddleByte(newest.get());
            }
            return newest;
        }
    }

    /**
     * Waits (at most {@code waitMs}) until some complete checkpoint of a clock in {@code [1, maxClock]} is on disk
     * under {@code root}: images are written off the shards' threads, so on a loaded machine a fault injected at once
     * may find only the start image, and the run would (correctly) resume at clock 0. Returns whether one was found.
     */
    static boolean awaitMidRunCheckpoint(String root, int maxClock, long waitMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (true) {
            try (Stream<Path> all = Files.walk(Path.of(root))) {
                if (all.anyMatch(d -> midRunClock(d, maxClock) && complete(d))) {
                    return true;
                }
            } catch (UncheckedIOException e) {
                // A folder pruned while it was being walked: look again.
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    private static boolean midRunClock(Path dir, int maxClock) {
        String name = dir.getFileName().toString();
        if (!name.startsWith("clock-") || !Files.isDirectory(dir)) {
            return false;
        }
        int clock = Integer.parseInt(name.substring("clock-".length()));
        return clock >= 1 && clock <= maxClock;
    }

    /** Waits (at most 20 s) until shard 0 has written its image of {@code clock}, then flips a byte in the middle. */
    static void corruptShardZerosImage(String root, int clock) throws Exception {
        String folder = String.format(Locale.ROOT, "clock-%010d", clock);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> all = Files.walk(Path.of(root))) {
                Optional<Path> image = all.filter(f -> isShardImage(f, 0)
                        && f.getParent().getFileName().toString().equals(folder)).findFirst();
                if (image.isPresent()) {
                    flipMiddleByte(image.get());
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("shard 0 never wrote its image of clock " + clock + " under " + root);
    }

    private static boolean isShardImage(Path f, int shard) {
        String name = f.getFileName().toString();
        return name.startsWith("shard-" + shard + "-of-") && name.endsWith(".ckpt");
    }

    /** Whether a clock folder holds the images of every shard ({@code shard-<i>-of-<n>.ckpt}, i < n). */
    private static boolean complete(Path clockDir) {
        File[] files = clockDir.toFile().listFiles((d, n) -> n.startsWith("shard-") && n.endsWith(".ckpt"));
        if (files == null || files.length == 0) {
            return false;
        }
        String name = files[0].getName();
        int n = Integer.parseInt(name.substring(name.indexOf("-of-") + 4, name.length() - ".ckpt".length()));
        return files.length == n;
    }

    private static long modified(Path f) {
        return f.toFile().lastModified();
    }

    private static void flipMiddleByte(Path image) throws IOException {
        byte[] bytes = Files.readAllBytes(image);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(image, bytes);
    }
}
