package org.petuum.ml.clustering;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/** Draws initial points uniformly from the partitions by position, knowing only how many points each holds. */
final class InitialPicks {
    private InitialPicks() {
    }

    /**
     * {@code count} distinct points drawn uniformly with {@code seed} (Floyd's algorithm), each as
     * {@code {partition, position}}, in the order drawn.
     */
    static long[][] draw(long[] partitionSizes, int count, long seed) {
        long n = 0;
        for (long s : partitionSizes) {
            n += s;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Set<Long> chosen = new HashSet<>();
        long[] order = new long[count];
        int m = 0;
        for (long j = n - count; j < n; j++) {
            long t = rnd.nextLong(j + 1);
            long pick = chosen.add(t) ? t : j;
            chosen.add(pick);
            order[m++] = pick;
        }
        long[][] out = new long[count][];
        for (int i = 0; i < count; i++) {
            long g = order[i];
            int p = 0;
            while (g >= partitionSizes[p]) {
                g -= partitionSizes[p++];
            }
            out[i] = new long[] {p, g};
        }
        return out;
    }
}
