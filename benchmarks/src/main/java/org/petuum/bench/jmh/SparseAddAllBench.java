package org.petuum.bench.jmh;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.petuum.ssp.SparseRow;

/**
 * {@link SparseRow#addAll} of a sparse delta of {@code delta} cells into a stored row of {@code stored} cells, as a
 * shard applies a flush: {@link #existing} when every delta column is stored already (in place, the common case
 * once a table has filled), {@link #withNew} when a share {@code fresh} of them is new (a copy of the stored row, then
 * the merge; {@link #copyOnly} is that copy alone, to subtract). The time is per call; divide by {@code delta}
 * for the time per increment. {@value #ROWS} different
 * rows and deltas are used in turn, so that no branch pattern repeats within a few calls.
 *
 * <p>Run with {@code bin/bench jmh} (see {@link JmhCommand}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class SparseAddAllBench {
    static final int ROWS = 64;

    /**
     * The table's width, which picks the row's layout: up to 65,536 columns 2-byte columns beside a {@code double[]},
     * wider one {@code int[]} (see {@link SparseRow}).
     */
    @Param({"1000000"})
    public int cols;

    /** Cells of the stored row. */
    @Param({"16", "256", "1024"})
    public int stored;

    /** Cells of the delta. */
    @Param({"4", "25", "128"})
    public int delta;

    /** The share of the delta's columns that {@link #withNew} finds absent from the stored row. */
    @Param({"0.2"})
    public double fresh;

    private SparseRow[] rows;
    private SparseRow[] existingDeltas;
    private SparseRow[] mixedDeltas;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(42);
        rows = new SparseRow[ROWS];
        existingDeltas = new SparseRow[ROWS];
        mixedDeltas = new SparseRow[ROWS];
        for (int r = 0; r < ROWS; r++) {
            int[] columns = distinctSorted(rng, stored, cols);
            rows[r] = SparseRow.of(cols, columns, ones(stored));
            int k = Math.min(delta, stored);
            existingDeltas[r] = SparseRow.of(cols, pick(rng, columns, k), ones(k));
            int absent = (int) Math.round(fresh * delta);
            int[] mixed = new int[delta];
            int[] kept = pick(rng, columns, Math.min(delta - absent, stored));
            System.arraycopy(kept, 0, mixed, 0, kept.length);
            int filled = kept.length;
            while (filled < delta) {
                int c = rng.nextInt(cols);
                if (rows[r].get(c) == 0.0 && !contains(mixed, filled, c)) {
                    mixed[filled++] = c;
                }
            }
            mixedDeltas[r] = SparseRow.of(cols, mixed, ones(delta));
        }
    }

    @Benchmark
    public SparseRow existing() {
        int r = next++ & (ROWS - 1);
        rows[r].addAll(existingDeltas[r]);
        return rows[r];
    }

    @Benchmark
    public SparseRow withNew() {
        int r = next++ & (ROWS - 1);
        SparseRow row = rows[r].copy();
        row.addAll(mixedDeltas[r]);
        return row;
    }

    @Benchmark
    public SparseRow copyOnly() {
        int r = next++ & (ROWS - 1);
        return rows[r].copy();
    }

    private static int[] distinctSorted(SplittableRandom rng, int n, int bound) {
        return rng.ints(0, bound).distinct().limit(n).sorted().toArray();
    }

    /** {@code k} distinct entries of {@code from}, in their order there. */
    private static int[] pick(SplittableRandom rng, int[] from, int k) {
        boolean[] taken = new boolean[from.length];
        int left = k;
        while (left > 0) {
            int i = rng.nextInt(from.length);
            if (!taken[i]) {
                taken[i] = true;
                left--;
            }
        }
        int[] out = new int[k];
        for (int i = 0, o = 0; i < from.length; i++) {
            if (taken[i]) {
                out[o++] = from[i];
            }
        }
        return out;
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0);
        return v;
    }
}
