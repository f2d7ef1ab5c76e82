package org.petuum.ml.internal.lda;

import java.util.Arrays;
import org.petuum.ssp.RowValues;

/**
 * A worker's copy of the word–topic counts of the rows it samples in one round (one block under rotation, every
 * row in data-parallel mode), with, per row, the list of topics whose count is non-zero, so the sampler can walk
 * a word's topics in time proportional to how many it has. Remembers the counts it was loaded with, so that what
 * the worker changed can be sent as increments.
 *
 * <p>Owned by the worker's task thread; reused from round to round.
 */
final class WordTopicView {
    final int k;
    int slots;
    /** Counts, {@code slots × k}. */
    int[] count = new int[0];
    private int[] loaded = new int[0];
    /** Per slot, its non-zero topics in {@code nz[slot*k .. slot*k + nzLen[slot])}. */
    int[] nz = new int[0];
    int[] nzLen = new int[0];
    /** Where topic {@code t} sits in its slot's list, or -1. */
    int[] pos = new int[0];

    WordTopicView(int k) {
        this.k = k;
    }

    /**
     * Loads {@code slots} rows: slot {@code s} holds {@code rows[s]} plus, for a split word, the rows listed in
     * {@code siblings[s]} (looked up in {@code siblingValues}), which the worker only reads.
     */
    void load(RowValues[] rows, int[][] siblings, RowValues[] siblingValues) {
        slots = rows.length;
        int cells = Math.multiplyExact(slots, k);
        if (count.length < cells) {
            count = new int[cells];
            loaded = new int[cells];
            nz = new int[cells];
            pos = new int[cells];
            nzLen = new int[slots];
        } else if (nzLen.length < slots) {
            nzLen = new int[slots];
        }
        Arrays.fill(count, 0, cells, 0);
        for (int s = 0; s < slots; s++) {
            int base = s * k;
            addRow(rows[s], base);
            if (siblings != null && siblings[s] != null) {
                for (int i : siblings[s]) {
                    addRow(siblingValues[i], base);
                }
            }
            nzLen[s] = 0;
            for (int t = 0; t < k; t++) {
                if (count[base + t] < 0) {
                    throw new IllegalStateException("word-topic count " + count[base + t] + " < 0 at topic " + t
                            + " (the table lost or repeated an update)");
                }
                if (count[base + t] > 0) {
                    pos[base + t] = nzLen[s];
                    nz[base + nzLen[s]++] = t;
                } else {
                    pos[base + t] = -1;
                }
            }
        }
        System.arraycopy(count, 0, loaded, 0, cells);
    }

    private void addRow(RowValues row, int base) {
        if (row != null) {
            row.forEachNonZero((c, v) -> count[base + c] += (int) Math.round(v));
        }
    }

    void increment(int slot, int t) {
        int i = slot * k + t;
        if (count[i]++ == 0) {
            pos[i] = nzLen[slot];
            nz[slot * k + nzLen[slot]++] = t;
        }
    }

    void decrement(int slot, int t) {
        int i = slot * k + t;
        if (--count[i] == 0) {
            int base = slot * k;
            int at = pos[i];
            int last = nz[base + --nzLen[slot]];
            nz[base + at] = last;
            pos[base + last] = at;
            pos[i] = -1;
        }
    }

    /** Calls {@code sink} with each slot's changed topics and their changes since {@link #load}. */
    void forEachChange(ChangeSink sink) {
        int[] cols = new int[k];
        double[] deltas = new double[k];
        for (int s = 0; s < slots; s++) {
            int n = 0;
            for (int t = 0; t < k; t++) {
                int d = count[s * k + t] - loaded[s * k + t];
                if (d != 0) {
                    cols[n] = t;
                    deltas[n++] = d;
                }
            }
            if (n > 0) {
                sink.accept(s, Arrays.copyOf(cols, n), Arrays.copyOf(deltas, n));
            }
        }
    }

    /** Receives the changes of one slot. */
    interface ChangeSink {
        void accept(int slot, int[] topics, double[] deltas);
    }
}
