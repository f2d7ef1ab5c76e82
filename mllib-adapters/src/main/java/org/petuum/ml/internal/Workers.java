package org.petuum.ml.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.petuum.ps.PsContext;

/** How many workers a fit runs, and the names of the tables it creates. */
public final class Workers {
    private static final AtomicLong FITS = new AtomicLong();

    private Workers() {
    }

    /**
     * The number of workers for a fit: {@code requested} when it is positive, otherwise every task slot the
     * cluster offers now.
     *
     * @throws IllegalArgumentException if {@code requested} exceeds the task slots (a run needs all its workers at once)
     */
    public static int resolve(PsContext ps, String param, int requested) {
        int slots = ps.taskSlots();
        if (requested > slots) {
            throw new IllegalArgumentException(param + " : " + requested + " (expected: <= " + slots
                    + ", the task slots of this cluster; a run needs one slot per worker, all at once)");
        }
        return requested > 0 ? requested : Math.max(1, slots);
    }

    /** A table name no other fit in this driver uses: {@code prefix-<uid>-<n>}. */
    public static String tableName(String prefix, String uid) {
        return prefix + "-" + uid + "-" + FITS.incrementAndGet();
    }
}
