package org.petuum.ssp;

/**
 * Each thread's room for the columns a sparse {@code addAll} splices into a row: the position in the delta and the
 * insertion point of each new column. Reused from row to row (new arrays per row were a tenth of what a
 * shard allocated while adding sparse flushes); a row is spliced by one thread, start to end, with no other splice
 * in between.
 */
final class Splices {
    /** The most new columns a thread keeps room for (512 KiB); larger splices get room of their own. */
    static final int KEPT_CELLS = 1 << 16;
    private static final ThreadLocal<Splices> ROOM = ThreadLocal.withInitial(() -> new Splices(64));

    /** Positions in the delta of the new columns. */
    int[] delta;
    /** Where each new column goes in the row. */
    int[] at;

    private Splices(int cells) {
        delta = new int[cells];
        at = new int[cells];
    }

    /** Room for at least {@code cells} new columns: this thread's, unless more than {@link #KEPT_CELLS}. */
    static Splices room(int cells) {
        if (cells > KEPT_CELLS) {
            return new Splices(cells);
        }
        Splices s = ROOM.get();
        if (s.delta.length < cells) {
            int n = Math.min(KEPT_CELLS, Math.max(cells, 2 * s.delta.length));
            s.delta = new int[n];
            s.at = new int[n];
        }
        return s;
    }
}
