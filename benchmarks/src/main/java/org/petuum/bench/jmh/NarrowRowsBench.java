package org.petuum.bench.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.FlushResult;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowsSnapshot;
import org.petuum.ssp.ShardRead;
import org.petuum.ssp.ShardState;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * A shard's own work on a dense table of {@code cols} columns whose {@value #TABLE_ROWS} rows are all stored: one
 * {@link #flush} of {@value #BATCH} dense deltas at random rows (applied under the table's update rule, plain
 * addition), or one {@link #read} of {@value #BATCH} random rows (sized against an answer limit, as the shard server
 * does, then copied or lent). The time is per call; divide by {@value #BATCH} for the time per row. Narrow tables
 * (under 64 columns) are stored in blocks of rows, wide ones a row object each. {@value #BATCHES} different batches
 * are used in turn.
 *
 * <p>Run with {@code bin/bench jmh NarrowRowsBench} (see {@link JmhCommand}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class NarrowRowsBench {
    static final int TABLE_ROWS = 100_000;
    static final int BATCH = 1000;
    static final int BATCHES = 16;

    /** Columns of the table. */
    @Param({"10", "100"})
    public int cols;

    private ShardState<Object> shard;
    private TableRef table;
    private List<List<RowUpdate>> flushes;
    private int[][] reads;
    private int clock;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        table = new TableRef(0, TableSpec.dense("t", TABLE_ROWS, cols));
        shard = new ShardState<>(0, new RowPartitioner(1));
        shard.createTable(table);
        // A limit no answer reaches, so that each read is sized first, as the shard server sizes it.
        shard.limitAnswers(Long.MAX_VALUE - 1, (spec, stored) -> 13L + 8L * (stored == null ? spec.cols()
                : stored.storedCells()), "no limit");
        shard.beginRun(1, 1);
        List<RowUpdate> all = new ArrayList<>(TABLE_ROWS);
        for (int r = 0; r < TABLE_ROWS; r++) {
            all.add(new RowUpdate(table.id(), r, DenseRow.wrap(filled(cols, 1.0))));
        }
        shard.flush(1, 0, clock++, all);
        SplittableRandom rng = new SplittableRandom(42);
        flushes = new ArrayList<>();
        reads = new int[BATCHES][BATCH];
        for (int b = 0; b < BATCHES; b++) {
            List<RowUpdate> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                double[] delta = new double[cols];
                for (int c = 0; c < cols; c++) {
                    delta[c] = rng.nextDouble() - 0.5;
                }
                batch.add(new RowUpdate(table.id(), rng.nextInt(TABLE_ROWS), DenseRow.wrap(delta)));
                reads[b][i] = rng.nextInt(TABLE_ROWS);
            }
            flushes.add(batch);
        }
    }

    /** One flush of {@value #BATCH} dense deltas. */
    @Benchmark
    public FlushResult<Object> flush() {
        next = (next + 1) % BATCHES;
        return shard.flush(1, 0, clock++, flushes.get(next));
    }

    /** One read of {@value #BATCH} rows. */
    @Benchmark
    public RowsSnapshot read() {
        next = (next + 1) % BATCHES;
        return shard.read(new ShardRead<>("r", table.id(), reads[next], Long.MIN_VALUE, 0, 0, 0, Long.MAX_VALUE))
                .rows();
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
