package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What a shard answers never changes afterwards, though wide dense rows are handed out without a copy: the change
 * after a read goes to a copy, and a read after it sees the change.
 */
class ShardAnswersTest {
    private static final long RUN = 3;
    private static final long NEVER = Long.MAX_VALUE;
    private static final int WIDE = ShardTables.LEND_FROM_COLUMNS;

    @Test
    void anAnswerStaysAsItWasWhileTheRowChangesAfterIt() {
        TableRef t = new TableRef(1, TableSpec.dense("w", 4, WIDE));
        ShardState<String> shard = shard(t, 1);
        shard.flush(RUN, 0, 0, List.of(update(t, 2, 0, 1.0)));
        RowValues first = readNow(shard, t, 2, 1);
        RowValues again = readNow(shard, t, 2, 1);
        assertSame(first, again, "a wide row read twice without a change in between is not copied");

        shard.flush(RUN, 0, 1, List.of(update(t, 2, 0, 5.0)));
        assertEquals(1.0, first.get(0), "an answer changed after it was given");
        RowValues after = readNow(shard, t, 2, 2);
        assertNotSame(first, after);
        assertEquals(6.0, after.get(0));

        shard.flush(RUN, 0, 2, List.of(update(t, 2, 0, 10.0)));
        assertEquals(6.0, after.get(0), "the second answer changed after it was given");
        assertEquals(16.0, readNow(shard, t, 2, 3).get(0));
        assertEquals(1.0, first.get(0));
    }

    @Test
    void narrowRowsAreCopiesAndPutOrRestoreNeverTouchAnAnswer() {
        TableRef narrow = new TableRef(1, TableSpec.dense("n", 4, WIDE - 1));
        TableRef wide = new TableRef(2, TableSpec.dense("w", 4, WIDE));
        ShardState<String> shard = shard(List.of(narrow, wide), 1);
        CheckpointImage zero = shard.checkpointNow();
        shard.flush(RUN, 0, 0, List.of(update(narrow, 1, 0, 2.0), update(wide, 1, 0, 2.0)));
        RowValues n1 = readNow(shard, narrow, 1, 1);
        assertNotSame(n1, readNow(shard, narrow, 1, 1), "narrow rows are copied");

        RowValues w1 = readNow(shard, wide, 1, 1);
        shard.putRows(wide.id(), new int[] {1}, new RowValues[] {DenseRow.wrap(filled(WIDE, 7.0))});
        assertEquals(2.0, w1.get(0), "putRows changed an answer");
        RowValues w2 = readNow(shard, wide, 1, 1);
        assertEquals(7.0, w2.get(0));

        shard.restore(zero);
        assertEquals(7.0, w2.get(0), "restore changed an answer");
        assertEquals(0, shard.readRange(wide.id(), 0, 4).size(), "the image had no rows");
    }

    @Test
    void manyReadersAndWritersInRandomOrderAlwaysSeeExactSums() {
        TableRef t = new TableRef(1, TableSpec.dense("w", 8, WIDE).staleness(0));
        int workers = 3;
        ShardState<String> shard = shard(t, workers);
        SplittableRandom rng = new SplittableRandom(11);
        double[][] truth = new double[8][WIDE];
        List<RowValues> answers = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        int[] clock = new int[workers];
        for (int step = 0; step < 600; step++) {
            int w = rng.nextInt(workers);
            int row = rng.nextInt(4) * 2; // rows of shard 0 of 1: all rows; keep a few hot
            if (rng.nextBoolean() && clock[w] < 150) {
                int col = rng.nextInt(WIDE);
                double d = rng.nextInt(100) - 50;
                shard.flush(RUN, w, clock[w]++, List.of(update(t, row, col, d)));
                truth[row][col] += d;
            } else {
                RowValues a = readNow(shard, t, row, Long.MIN_VALUE);
                assertArrayEquals(truth[row], a.toArray(), "step " + step);
                answers.add(a);
                expected.add(truth[row].clone());
            }
        }
        for (int i = 0; i < answers.size(); i++) {
            assertArrayEquals(expected.get(i), answers.get(i).toArray(), "answer " + i + " changed after it was given");
        }
        assertTrue(answers.size() > 100);
    }

    private static ShardState<String> shard(TableRef t, int workers) {
        return shard(List.of(t), workers);
    }

    private static ShardState<String> shard(List<TableRef> tables, int workers) {
        ShardState<String> shard = new ShardState<>(0, new RowPartitioner(1));
        for (TableRef t : tables) {
            shard.createTable(t);
        }
        assertTrue(shard.beginRun(RUN, workers).isEmpty());
        return shard;
    }

    private static RowUpdate update(TableRef t, int row, int col, double delta) {
        RowValues d = t.spec().zeroRow();
        d.add(col, delta);
        return new RowUpdate(t.id(), row, d);
    }

    private static RowValues readNow(ShardState<String> shard, TableRef t, int row, long minVersion) {
        ServedRead<String> served = shard.read(new ShardRead<>("r", t.id(), new int[] {row}, minVersion, 0, 0, 0,
                NEVER));
        return served.rows().values()[0];
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
