package org.petuum.bench.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.ShardState;
import org.petuum.ssp.ShardStorage;
import org.petuum.ssp.SparseRow;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The heap a shard spends on the tables it stores, per stored double: a dense table and a sparse one are filled
 * through the shard's own update path ({@link ShardState#flush}, batch after batch, as workers' clocks arrive),
 * and the live heap is measured after full collections before and after. The difference, over the cells held, is
 * what a parameter costs on a shard, including every row object, array header, spare capacity and the shard's
 * row index.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Shard heap per stored double, for dense and sparse tables.")
public final class MemoryBench implements Callable<Integer> {

    @Option(names = "--dense-doubles", defaultValue = "50000000",
            description = "Cells of each dense table (default: ${DEFAULT-VALUE}).")
    long denseDoubles;

    @Option(names = "--dense-cols", split = ",", defaultValue = "100,10",
            description = "Row widths of the dense tables measured (default: ${DEFAULT-VALUE}).")
    int[] denseCols;

    @Option(names = "--sparse-nonzeros", defaultValue = "10000000",
            description = "Non-zeros of each sparse table (default: ${DEFAULT-VALUE}).")
    long sparseNonZeros;

    @Option(names = "--sparse-per-row", split = ",", defaultValue = "200,50,10",
            description = "Non-zeros per row of the sparse tables measured (default: ${DEFAULT-VALUE}).")
    int[] sparsePerRow;

    @Option(names = "--sparse-cols", defaultValue = "1000000",
            description = "Width of the sparse tables; non-zeros sit at random columns (default: ${DEFAULT-VALUE}).")
    int sparseCols;

    @Option(names = "--repeats", defaultValue = "3", description = "Measured repetitions (default: ${DEFAULT-VALUE}).")
    int repeats;

    private static final int ROWS_PER_FLUSH = 20_000;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    @Override
    public Integer call() throws Exception {
        System.out.printf(Locale.ROOT, "heap: max %,d MB; %s%n", Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%-8s %12s %10s %14s %12s %16s %18s%n", "table", "rows", "cols",
                "cells", "heap MB", "bytes per cell", "estimate per cell");
        for (int cols : denseCols) {
            int rows = (int) Math.max(1, denseDoubles / cols);
            measure("dense", rows, cols, (long) rows * cols, TableSpec.dense("dense", rows, cols),
                    (rng, row) -> denseRow(rng, cols), 1);
        }
        for (int perRow : sparsePerRow) {
            int half = Math.max(1, perRow / 2);
            int rows = (int) Math.max(1, sparseNonZeros / (2L * half));
            // Each row's non-zeros arrive over two clocks, half at a time, so rows grow as they do in training.
            measure("sparse", rows, sparseCols, 2L * half * rows, TableSpec.sparse("sparse", rows, sparseCols),
                    (rng, row) -> sparseRow(rng, sparseCols, half), 2);
        }
        return 0;
    }

    /** Builds one update of a row. */
    private interface Updates {
        RowValues delta(SplittableRandom rng, int row);
    }

    private void measure(String kind, int rows, int cols, long expectedCells, TableSpec spec, Updates updates,
                         int passes) {
        double[] perCell = new double[repeats];
        long bytes = 0;
        long cells = 0;
        long estimate = 0;
        for (int i = 0; i < repeats; i++) {
            long before = liveHeap();
            ShardState<Object> shard = fill(spec, rows, updates, passes);
            long after = liveHeap();
            ShardStorage storage = shard.storage();
            Reference.reachabilityFence(shard);
            bytes = after - before;
            cells = storage.cells();
            estimate = storage.estimatedBytes();
            perCell[i] = (double) bytes / cells;
        }
        if (kind.equals("sparse") && Math.abs(cells - expectedCells) > expectedCells / 100) {
            // Random columns may collide within a row; a large shortfall means the generator is wrong.
            throw new IllegalStateException("sparse table holds " + cells + " cells, expected about " + expectedCells);
        }
        double median = median(perCell);
        System.out.printf(Locale.ROOT, "%-8s %,12d %,10d %,14d %,12.1f %16.2f %18.2f%n", kind, rows, cols, cells,
                bytes / 1e6, median, (double) estimate / cells);
    }

    /** A one-shard table filled by one worker's flushes, {@link #ROWS_PER_FLUSH} rows each, {@code passes} times. */
    private static ShardState<Object> fill(TableSpec spec, int rows, Updates updates, int passes) {
        ShardState<Object> shard = new ShardState<>(0, new RowPartitioner(1));
        TableRef table = new TableRef(0, spec);
        shard.createTable(table);
        shard.beginRun(1, 1);
        SplittableRandom rng = new SplittableRandom(42);
        int clock = 0;
        for (int pass = 0; pass < passes; pass++) {
            for (int from = 0; from < rows; from += ROWS_PER_FLUSH) {
                List<RowUpdate> batch = new ArrayList<>(ROWS_PER_FLUSH);
                for (int r = from; r < Math.min(rows, from + ROWS_PER_FLUSH); r++) {
                    batch.add(new RowUpdate(table.id(), r, updates.delta(rng, r)));
                }
                shard.flush(1, 0, clock++, batch);
            }
        }
        return shard;
    }

    private static RowValues denseRow(SplittableRandom rng, int cols) {
        double[] v = new double[cols];
        for (int c = 0; c < cols; c++) {
            v[c] = rng.nextDouble() + 0.5;
        }
        return DenseRow.wrap(v);
    }

    private static RowValues sparseRow(SplittableRandom rng, int cols, int nonZeros) {
        int[] columns = new int[nonZeros];
        double[] values = new double[nonZeros];
        for (int k = 0; k < nonZeros; k++) {
            columns[k] = rng.nextInt(cols);
            values[k] = rng.nextDouble() + 0.5;
        }
        return SparseRow.of(cols, columns, values);
    }

    /** The heap in use after full collections, once two in a row agree within 1 MB (at most ten). */
    private static long liveHeap() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < (1 << 20)) {
                return used;
            }
            last = used;
        }
        return last;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
