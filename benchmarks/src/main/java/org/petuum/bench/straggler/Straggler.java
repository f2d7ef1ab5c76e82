package org.petuum.bench.straggler;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Which worker is slowed down, and how: after its work of a clock, the straggler sleeps {@link #pauseFactor} times
 * as long as that work took, before it ends the clock (so its updates are late as well). A pure function of the
 * mode, the seed and the clock: every run of a mode and seed pauses at the same clocks for the same factors.
 *
 * @param mode what kind of straggler
 * @param seed seed of the random pauses
 */
public record Straggler(Mode mode, long seed) implements Serializable {

    /** Chance that a clock of {@link Mode#RANDOM} pauses. */
    public static final double PAUSE_PROBABILITY = 0.3;
    /** Least pause, as a multiple of the clock's work. */
    public static final double MIN_PAUSE = 2;
    /** Greatest pause, as a multiple of the clock's work. */
    public static final double MAX_PAUSE = 4;
    /** The worker that straggles. */
    public static final int WORKER = 0;

    /** The kinds of straggler. */
    public enum Mode {
        /** Nobody is slowed down. */
        NONE("none"),
        /** The straggler sleeps as long as its work of every clock took: 2× slower, steadily. */
        SLOW_2X("2x slower"),
        /**
         * The straggler pauses at random clocks ({@link #PAUSE_PROBABILITY}) for {@link #MIN_PAUSE} to
         * {@link #MAX_PAUSE} times the clock's work (uniform), 1.9× slower on average.
         */
        RANDOM("random pauses");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        /** A short name for tables. */
        public String label() {
            return label;
        }
    }

    public Straggler {
        if (mode == null) {
            throw new IllegalArgumentException("mode : null (expected: NONE, SLOW_2X or RANDOM)");
        }
    }

    /**
     * How many times its work of clock {@code clock} worker {@code worker} sleeps before ending that clock:
     * 0 for every worker but {@link #WORKER} and for {@link Mode#NONE}; 1 for {@link Mode#SLOW_2X}; for
     * {@link Mode#RANDOM}, 0 or a factor in [{@link #MIN_PAUSE}, {@link #MAX_PAUSE}) drawn from a generator seeded
     * by the seed and the clock alone.
     */
    public double pauseFactor(int worker, int clock) {
        if (worker != WORKER || mode == Mode.NONE) {
            return 0;
        }
        if (mode == Mode.SLOW_2X) {
            return 1;
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + clock);
        if (rng.nextDouble() >= PAUSE_PROBABILITY) {
            return 0;
        }
        return MIN_PAUSE + (MAX_PAUSE - MIN_PAUSE) * rng.nextDouble();
    }
}
