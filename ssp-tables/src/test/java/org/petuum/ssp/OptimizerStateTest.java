package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Server-side optimizers in the shard state machine: every step matches a plain local implementation of the
 * rule, the state is per row and goes away with the table or the row's values.
 */
class OptimizerStateTest {
    private static final int WORKERS = 3;
    private static final int ROWS = 4;
    private static final int TABLE_ID = 3;
    private static final UpdateRule ADAGRAD = UpdateRule.adaGrad(0.1, 1e-8);
    private static final UpdateRule ADAM = UpdateRule.adam(0.01, 0.9, 0.999, 1e-8);

    static Stream<Arguments> rulesAndStorages() {
        return Stream.of(
                Arguments.of(ADAGRAD, TableSpec.Storage.DENSE),
                Arguments.of(ADAGRAD, TableSpec.Storage.SPARSE),
                Arguments.of(ADAM, TableSpec.Storage.DENSE),
                Arguments.of(ADAM, TableSpec.Storage.SPARSE),
                Arguments.of(UpdateRule.add(), TableSpec.Storage.DENSE),
                Arguments.of(UpdateRule.add(), TableSpec.Storage.SPARSE));
    }

    /**
     * Three workers push about 100 batches of gradients in a seeded order; each batch is several increments
     * (some of the same cell) coalesced by the worker's oplog. After every batch the shard's rows must equal
     * the reference's.
     */
    @ParameterizedTest
    @MethodSource("rulesAndStorages")
    void everyStepMatchesAPlainLocalImplementationOfTheRule(UpdateRule rule, TableSpec.Storage storage) {
        int cols = storage == TableSpec.Storage.DENSE ? 12 : 1000;
        TableRef t = table(storage, cols, rule);
        ShardState<String> shard = shardWith(t);
        Reference ref = new Reference(rule, ROWS, cols);
        Reference sums = new Reference(UpdateRule.add(), ROWS, cols);
        SplittableRandom rng = new SplittableRandom(20240611L);
        // Sparse: few columns of a wide row ever get gradients.
        int[] columns = rng.ints(0, cols).distinct().limit(10).toArray();
        // Rows start from loaded values, as a model warm-started by the driver would.
        for (int r = 0; r < ROWS; r++) {
            RowValues start = t.spec().zeroRow();
            for (int c : columns) {
                ref.w[r][c] = rng.nextDouble(-1, 1);
                sums.w[r][c] = ref.w[r][c];
                start.add(c, ref.w[r][c]);
            }
            shard.putRows(TABLE_ID, new int[] {r}, new RowValues[] {start});
        }
        WorkerState[] workers = new WorkerState[WORKERS];
        for (int w = 0; w < WORKERS; w++) {
            workers[w] = new WorkerState(w, new RowPartitioner(1));
        }
        for (int batch = 0; batch < 100; batch++) {
            int w = rng.nextInt(WORKERS);
            double[][] gradient = new double[ROWS][];
            double scale = Math.pow(10, rng.nextInt(-3, 3));
            for (int i = 1 + rng.nextInt(8); i > 0; i--) {
                int row = rng.nextInt(ROWS);
                int col = columns[rng.nextInt(columns.length)];
                double g = rng.nextDouble(-1, 1) * scale;
                workers[w].oplog().inc(t, row, col, g);
                if (gradient[row] == null) {
                    gradient[row] = new double[cols];
                }
                gradient[row][col] += g;
            }
            List<RowUpdate> updates = workers[w].drainByShard().get(0);
            assertTrue(shard.flush(1, w, workers[w].clock(), updates).applied());
            workers[w].advanceClock();
            for (int r = 0; r < ROWS; r++) {
                if (gradient[r] != null) {
                    ref.step(r, gradient[r]);
                    sums.step(r, gradient[r]);
                }
            }
            assertRowsMatch(ref, shard, "after batch " + batch + " (worker " + w + ")");
        }
        if (!rule.isAdd()) {
            assertNotEquals(sums.w[0][columns[0]], ref.w[0][columns[0]], 1e-6, "the optimizer must not merely add");
        }
    }

    @Test
    void gradientsOfOneRowInOneClockAddUpIntoOneStep() {
        TableRef t = table(TableSpec.Storage.DENSE, 2, ADAGRAD);
        ShardState<String> shard = shardWith(t);
        WorkerState worker = new WorkerState(0, new RowPartitioner(1));
        worker.oplog().inc(t, 0, 0, 1.5);
        worker.oplog().inc(t, 0, 0, 0.5);
        shard.flush(1, 0, 0, worker.drainByShard().get(0));

        // One step with g = 2: G = 4, w = -0.1 * 2 / (2 + 1e-8); two steps of 1.5 and 0.5 would give another value.
        assertEquals(-(0.1 * 2 / (Math.sqrt(4) + 1e-8)), value(shard, 0, 0));
    }

    @Test
    void adamCountsStepsPerRowNotPerFlush() {
        TableRef t = table(TableSpec.Storage.DENSE, 1, ADAM);
        ShardState<String> shard = shardWith(t);
        Reference ref = new Reference(ADAM, ROWS, 1);
        // Row 0 gets a gradient in each of 3 flushes, row 1 only in the last: its first step is bias-corrected
        // with t = 1.
        for (int clock = 0; clock < 3; clock++) {
            List<RowUpdate> updates = clock < 2 ? List.of(update(t, 0, 1.0))
                    : List.of(update(t, 0, 1.0), update(t, 1, 1.0));
            shard.flush(1, 0, clock, updates);
            ref.step(0, new double[] {1.0});
        }
        ref.step(1, new double[] {1.0});
        assertRowsMatch(ref, shard, "after three flushes");
        // With bias correction, Adam's first step of a constant gradient moves by lr (up to eps).
        assertEquals(-0.01, value(shard, 1, 0), 1e-9);
    }

    @Test
    void droppingTheTableDropsItsOptimizerState() {
        TableRef t = table(TableSpec.Storage.DENSE, 1, ADAGRAD);
        ShardState<String> shard = shardWith(t);
        for (int clock = 0; clock < 5; clock++) {
            shard.flush(1, 0, clock, List.of(update(t, 0, 1.0)));
        }
        shard.dropTable(TABLE_ID);
        shard.createTable(t);
        shard.flush(1, 0, 5, List.of(update(t, 0, 1.0)));

        Reference fresh = new Reference(ADAGRAD, ROWS, 1);
        fresh.step(0, new double[] {1.0});
        assertRowsMatch(fresh, shard, "a table created again starts with no optimizer state");
    }

    @Test
    void replacingRowsRestartsTheirOptimizerStateAndNoOtherRows() {
        TableRef t = table(TableSpec.Storage.SPARSE, 3, ADAM);
        ShardState<String> shard = shardWith(t);
        Reference ref = new Reference(ADAM, ROWS, 3);
        for (int clock = 0; clock < 4; clock++) {
            shard.flush(1, 0, clock, List.of(update(t, 0, clock + 1.0), update(t, 1, -clock - 1.0)));
            ref.step(0, new double[] {clock + 1.0, 0, 0});
            ref.step(1, new double[] {-clock - 1.0, 0, 0});
        }
        shard.putRows(TABLE_ID, new int[] {0}, new RowValues[] {SparseRow.of(3, new int[] {0, 2}, new double[] {3, 4})});
        Reference restarted = new Reference(ADAM, ROWS, 3);
        restarted.w[0] = new double[] {3, 0, 4};
        shard.flush(1, 0, 4, List.of(update(t, 0, 0.5), update(t, 1, 0.5)));
        restarted.step(0, new double[] {0.5, 0, 0});
        ref.step(1, new double[] {0.5, 0, 0});

        assertArrayEquals(restarted.w[0], shard.readRange(TABLE_ID, 0, 1).values()[0].toArray(), 1e-15);
        assertArrayEquals(ref.w[1], shard.readRange(TABLE_ID, 1, 2).values()[0].toArray(), 1e-15);
    }

    @Test
    void restoringACheckpointContinuesFromTheOptimizerStateItHolds() {
        TableRef t = table(TableSpec.Storage.DENSE, 1, ADAGRAD);
        ShardState<String> shard = shardWith(t);
        shard.flush(1, 0, 0, List.of(update(t, 0, 2.0)));
        CheckpointImage image = shard.checkpointNow();
        shard.flush(1, 0, 1, List.of(update(t, 0, 2.0)));

        shard.restore(image);
        shard.beginRun(2, 1, 1, 0);
        shard.flush(2, 0, 1, List.of(update(t, 0, 2.0)));

        Reference continued = new Reference(ADAGRAD, ROWS, 1);
        continued.step(0, new double[] {2.0});
        continued.step(0, new double[] {2.0});
        assertRowsMatch(continued, shard, "after the restore");
    }

    @Test
    void aWorkersOwnUnsentGradientsAreNotInWhatItReadsButUnsentAdditionsAre() {
        TableRef optimized = table(TableSpec.Storage.DENSE, 2, ADAGRAD);
        TableRef added = new TableRef(4, TableSpec.dense("sums", ROWS, 2));
        WorkerState worker = new WorkerState(0, new RowPartitioner(1));
        worker.oplog().inc(optimized, 0, 1, 5);
        worker.oplog().inc(added, 0, 1, 5);
        RowValues base = DenseRow.wrap(new double[] {1, 2});

        assertArrayEquals(new double[] {1, 2}, worker.view(optimized, 0, base).toArray());
        assertArrayEquals(new double[] {1, 7}, worker.view(added, 0, base).toArray());
        assertArrayEquals(new double[] {1, 2}, base.toArray(), "the view is a copy");
    }

    @Test
    void stateIsKeptPerRowAndCountsAppliedSteps() {
        TableSpec spec = TableSpec.sparse("e", ROWS, 100).updateRule(ADAGRAD);
        OptimizerState state = new OptimizerState(spec);
        RowValues row = spec.zeroRow();
        RowValues change = state.step(2, row, SparseRow.of(100, new int[] {7}, new double[] {3}));
        state.step(2, row, SparseRow.of(100, new int[] {7, 8}, new double[] {4, 1}));

        assertEquals(1, state.rowsWithState());
        assertEquals(2, state.steps(2));
        assertEquals(0, state.steps(1));
        assertEquals(9 + 16, state.accumulator(2, 7));
        assertEquals(1, state.accumulator(2, 8));
        assertEquals(-(0.1 * 3 / (3 + 1e-8)), change.get(7), "the change of the first step");
        assertEquals(2, row.storedCells(), "a sparse row gains only the cells that had gradients");
        state.reset(2);
        assertEquals(0, state.rowsWithState());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OptimizerState(TableSpec.dense("w", 1, 1)));
        assertTrue(e.getMessage().contains("table 'w' adds its updates"), e.getMessage());
    }

    // ---------------------------------------------------------------- the reference

    /** The rules as plain loops over dense arrays, one row at a time. */
    private static final class Reference {
        final UpdateRule rule;
        final double[][] w;
        final double[][] first;
        final double[][] second;
        final long[] t;

        Reference(UpdateRule rule, int rows, int cols) {
            this.rule = rule;
            this.w = new double[rows][cols];
            this.first = new double[rows][cols];
            this.second = new double[rows][cols];
            this.t = new long[rows];
        }

        void step(int row, double[] g) {
            double lr = rule.learningRate();
            double eps = rule.epsilon();
            t[row]++;
            for (int c = 0; c < g.length; c++) {
                switch (rule.kind()) {
                    case ADD -> w[row][c] += g[c];
                    case ADAGRAD -> {
                        first[row][c] += g[c] * g[c];
                        w[row][c] -= lr * g[c] / (Math.sqrt(first[row][c]) + eps);
                    }
                    case ADAM -> {
                        double b1 = rule.beta1();
                        double b2 = rule.beta2();
                        first[row][c] = b1 * first[row][c] + (1 - b1) * g[c];
                        second[row][c] = b2 * second[row][c] + (1 - b2) * g[c] * g[c];
                        double mHat = first[row][c] / (1 - Math.pow(b1, t[row]));
                        double vHat = second[row][c] / (1 - Math.pow(b2, t[row]));
                        w[row][c] -= lr * mHat / (Math.sqrt(vHat) + eps);
                    }
                    default -> throw new AssertionError(rule);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static TableRef table(TableSpec.Storage storage, int cols, UpdateRule rule) {
        TableSpec spec = storage == TableSpec.Storage.DENSE ? TableSpec.dense("w", ROWS, cols)
                : TableSpec.sparse("w", ROWS, cols);
        return new TableRef(TABLE_ID, spec.staleness(2).updateRule(rule));
    }

    private static ShardState<String> shardWith(TableRef t) {
        ShardState<String> shard = new ShardState<>(0, new RowPartitioner(1));
        shard.createTable(t);
        shard.beginRun(1, WORKERS);
        return shard;
    }

    /** Gradient {@code g} at column 0 of {@code row}, as a row of the table's storage and width. */
    private static RowUpdate update(TableRef t, int row, double g) {
        RowValues delta = t.spec().zeroRow();
        delta.add(0, g);
        return new RowUpdate(TABLE_ID, row, delta);
    }

    private static double value(ShardState<String> shard, int row, int col) {
        RowsSnapshot s = shard.readRange(TABLE_ID, row, row + 1);
        return s.size() == 0 ? 0 : s.values()[0].get(col);
    }

    /** Every cell of every row equal to the reference within 1e-12 relative. */
    private static void assertRowsMatch(Reference ref, ShardState<String> shard, String when) {
        RowsSnapshot s = shard.readRange(TABLE_ID, 0, ROWS);
        double[][] actual = new double[ROWS][];
        for (int i = 0; i < s.size(); i++) {
            actual[s.rows()[i]] = s.values()[i].toArray();
        }
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < ref.w[r].length; c++) {
                double expected = ref.w[r][c];
                double got = actual[r] == null ? 0 : actual[r][c];
                if (Math.abs(got - expected) > 1e-12 * Math.abs(expected)) {
                    fail(when + ": row " + r + " column " + c + " is " + got + ", the reference has " + expected);
                }
            }
        }
    }
}
