package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints of tables with an optimizer hold the rows and the optimizer state of their clock boundary, even
 * when a faster worker has already sent gradients of later clocks, so a run restored from one continues exactly
 * as a run that never failed.
 */
class OptimizerCheckpointTest {
    private static final int ROWS = 3;
    private static final int TABLE_ID = 5;

    static Stream<Arguments> rulesAndStorages() {
        return Stream.of(
                Arguments.of(UpdateRule.adaGrad(0.1, 1e-8), TableSpec.Storage.DENSE),
                Arguments.of(UpdateRule.adaGrad(0.1, 1e-8), TableSpec.Storage.SPARSE),
                Arguments.of(UpdateRule.adam(0.01, 0.9, 0.999, 1e-8), TableSpec.Storage.DENSE),
                Arguments.of(UpdateRule.adam(0.01, 0.9, 0.999, 1e-8), TableSpec.Storage.SPARSE));
    }

    /** The gradient worker {@code w} sends for {@code row} in clock {@code c}: a few cells, never all zero. */
    private static double[] gradient(int cols, int w, int c, int row) {
        double[] g = new double[cols];
        for (int k = 0; k < 3; k++) {
            int col = (row * 7 + w * 3 + c * 5 + k * 11) % cols;
            g[col] += (k + 1) * (w == 0 ? 1 : -0.5) * (1 + c % 3) + 0.25 * row;
        }
        return g;
    }

    private static List<RowUpdate> flushOf(TableRef t, int w, int c) {
        List<RowUpdate> out = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            double[] g = gradient(t.spec().cols(), w, c, r);
            RowValues delta = t.spec().zeroRow();
            for (int col = 0; col < g.length; col++) {
                if (g[col] != 0) {
                    delta.add(col, g[col]);
                }
            }
            out.add(new RowUpdate(TABLE_ID, r, delta));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("rulesAndStorages")
    void anImageTakenWhileAWorkerIsAheadHoldsTheStateOfItsBoundaryAndARestoreContinuesExactly(
            UpdateRule rule, TableSpec.Storage storage) throws Exception {
        int cols = storage == TableSpec.Storage.DENSE ? 6 : 40;
        TableSpec spec = (storage == TableSpec.Storage.DENSE ? TableSpec.dense("w", ROWS, cols)
                : TableSpec.sparse("w", ROWS, cols)).staleness(3).updateRule(rule);
        TableRef t = new TableRef(TABLE_ID, spec);
        ShardState<String> shard = new ShardState<>(0, new RowPartitioner(1));
        shard.createTable(t);
        shard.beginRun(1, 2, 0, 2);

        // Worker 0 runs ahead: its clocks 2 and 3 arrive before worker 1 completes clock 1.
        List<CheckpointImage> images = new ArrayList<>();
        int[][] arrivals = {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 0}, {1, 1}};
        for (int[] a : arrivals) {
            images.addAll(shard.flush(1, a[0], a[1], flushOf(t, a[0], a[1])).checkpoints());
        }
        assertEquals(1, images.size(), "one image, at boundary 2");
        CheckpointImage image = images.get(0);
        assertEquals(2, image.clock());

        // What a run that applied only the clocks below 2 (in their order of arrival) holds.
        Reference ref = new Reference(rule, cols);
        for (int[] a : arrivals) {
            if (a[1] < 2) {
                ref.apply(flushOf(t, a[0], a[1]));
            }
        }
        CheckpointImage.TableImage ti = image.tables().get(0);
        assertNotNull(ti.optimizer(), "the image holds the optimizer state");
        ref.assertMatches(ti, "the image at boundary 2");

        // Through the file format, into a new shard, and on: it continues as the reference does.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CheckpointFormat.write(image, bytes);
        CheckpointImage read = CheckpointFormat.read(new ByteArrayInputStream(bytes.toByteArray()), "shard-0");
        ShardState<String> restored = new ShardState<>(0, new RowPartitioner(1));
        restored.createTable(t);
        restored.restore(read);
        restored.beginRun(2, 2, 2, 2);
        for (int c = 2; c < 5; c++) {
            for (int w = 0; w < 2; w++) {
                restored.flush(2, w, c, flushOf(t, w, c));
                ref.apply(flushOf(t, w, c));
            }
        }
        ref.assertMatches(restored.checkpointNow().tables().get(0), "after the restored run went on");
    }

    @Test
    void anImageOfATableThatAddsItsUpdatesHasNoOptimizerState() {
        TableRef t = new TableRef(TABLE_ID, TableSpec.dense("sums", ROWS, 2));
        ShardState<String> shard = new ShardState<>(0, new RowPartitioner(1));
        shard.createTable(t);
        shard.beginRun(1, 1, 0, 1);
        RowValues delta = t.spec().zeroRow();
        delta.add(1, 3);
        List<CheckpointImage> images = shard.flush(1, 0, 0, List.of(new RowUpdate(TABLE_ID, 0, delta))).checkpoints();
        assertEquals(1, images.size());
        assertEquals(null, images.get(0).tables().get(0).optimizer());
        assertEquals(3.0, images.get(0).tables().get(0).values()[0].get(1));
    }

    /** The rules as plain loops, one step per row update, like {@code OptimizerStateTest}'s reference. */
    private static final class Reference {
        final UpdateRule rule;
        final double[][] w;
        final double[][] first;
        final double[][] second;
        final long[] t = new long[ROWS];

        Reference(UpdateRule rule, int cols) {
            this.rule = rule;
            this.w = new double[ROWS][cols];
            this.first = new double[ROWS][cols];
            this.second = new double[ROWS][cols];
        }

        void apply(List<RowUpdate> updates) {
            for (RowUpdate u : updates) {
                step(u.row(), u.delta().toArray());
            }
        }

        void step(int row, double[] g) {
            double lr = rule.learningRate();
            double eps = rule.epsilon();
            t[row]++;
            for (int c = 0; c < g.length; c++) {
                if (rule.kind() == UpdateRule.Kind.ADAGRAD) {
                    if (g[c] == 0) {
                        continue;
                    }
                    first[row][c] += g[c] * g[c];
                    w[row][c] -= lr * g[c] / (Math.sqrt(first[row][c]) + eps);
                } else {
                    if (g[c] == 0 && first[row][c] == 0 && second[row][c] == 0) {
                        continue;
                    }
                    double b1 = rule.beta1();
                    double b2 = rule.beta2();
                    first[row][c] = b1 * first[row][c] + (1 - b1) * g[c];
                    second[row][c] = b2 * second[row][c] + (1 - b2) * g[c] * g[c];
                    double mHat = first[row][c] / (1 - Math.pow(b1, t[row]));
                    double vHat = second[row][c] / (1 - Math.pow(b2, t[row]));
                    w[row][c] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
            }
        }

        void assertMatches(CheckpointImage.TableImage image, String when) {
            double[][] values = new double[ROWS][w[0].length];
            for (int i = 0; i < image.rows().length; i++) {
                values[image.rows()[i]] = image.values()[i].toArray();
            }
            for (int r = 0; r < ROWS; r++) {
                assertEquals(t[r], image.optimizer().steps(r), when + ": steps of row " + r);
                for (int c = 0; c < w[r].length; c++) {
                    close(w[r][c], values[r][c], when + ": row " + r + " column " + c);
                    close(first[r][c], image.optimizer().accumulator(r, c), when + ": accumulator of row " + r
                            + " column " + c);
                }
            }
        }

        private static void close(double expected, double actual, String what) {
            if (Math.abs(actual - expected) > 1e-12 * Math.max(1, Math.abs(expected))) {
                fail(what + " is " + actual + ", the reference has " + expected);
            }
        }
    }
}
