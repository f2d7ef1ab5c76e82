package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CheckpointTest {
    private static final TableRef DENSE = new TableRef(0, TableSpec.dense("d", 4, 2).staleness(3));
    private static final TableRef SPARSE = new TableRef(1, TableSpec.sparse("s", 4, 1000).staleness(3));

    private static ShardState<String> shard(int interval) {
        ShardState<String> s = new ShardState<>(0, new RowPartitioner(1));
        s.createTable(DENSE);
        s.createTable(SPARSE);
        s.beginRun(1, 2, 0, interval);
        return s;
    }

    /** Worker w adds (clock + 1) * (w + 1) to cell (0, 0) and to sparse cell (1, 500 + w). */
    private static FlushResult<String> flush(ShardState<String> s, int worker, int clock) {
        double v = (clock + 1) * (worker + 1);
        return s.flush(1, worker, clock, List.of(
                new RowUpdate(0, 0, DenseRow.wrap(new double[] {v, 0})),
                new RowUpdate(1, 1, SparseRow.of(1000, new int[] {500 + worker}, new double[] {v}))));
    }

    @Test
    void imageAtABoundaryHoldsExactlyTheClocksBelowItEvenWhenAWorkerIsAhead() {
        ShardState<String> s = shard(2);
        for (int c = 0; c < 4; c++) {
            assertTrue(flush(s, 0, c).checkpoints().isEmpty(), "worker 1 has not reached the boundary yet");
        }
        assertTrue(flush(s, 1, 0).checkpoints().isEmpty());
        List<CheckpointImage> images = flush(s, 1, 1).checkpoints();
        assertEquals(1, images.size());
        CheckpointImage image = images.get(0);
        assertEquals(2, image.clock());
        // Clocks 0 and 1: worker 0 adds 1 + 2, worker 1 adds 2 + 4.
        CheckpointImage.TableImage dense = image.tables().get(0);
        assertEquals(9.0, dense.values()[0].get(0));
        CheckpointImage.TableImage sparse = image.tables().get(1);
        assertEquals(3.0, sparse.values()[0].get(500));
        assertEquals(6.0, sparse.values()[0].get(501));
        // The live table still holds worker 0's clocks 2 and 3.
        assertEquals(9.0 + 3 + 4, s.readRange(0, 0, 1).values()[0].get(0));
    }

    @Test
    void everyBoundaryIsTakenOnceAsTheMinimumPassesIt() {
        ShardState<String> s = shard(1);
        int taken = 0;
        for (int c = 0; c < 5; c++) {
            flush(s, 0, c);
            List<CheckpointImage> images = flush(s, 1, c).checkpoints();
            assertEquals(1, images.size());
            assertEquals(c + 1, images.get(0).clock());
            taken++;
        }
        assertEquals(5, taken);
    }

    @Test
    void restoringAnImageRollsTheTablesBackAndTheRunResumesAtItsClock() {
        ShardState<String> s = shard(2);
        CheckpointImage start = s.checkpointNow();
        flush(s, 0, 0);
        flush(s, 1, 0);
        flush(s, 0, 1);
        CheckpointImage atTwo = flush(s, 1, 1).checkpoints().get(0);
        flush(s, 0, 2);
        flush(s, 1, 2);

        s.restore(atTwo);
        s.beginRun(2, 2, 2, 2);
        assertEquals(2, s.minClock());
        assertEquals(9.0, s.readRange(0, 0, 4).values()[0].get(0));
        // The workers resume at clock 2; a flush of clock 2 is the next one expected.
        assertTrue(flush2(s, 0, 2).applied());

        s.restore(start);
        assertEquals(0, s.readRange(0, 0, 4).size(), "the start image had no rows");
    }

    /**
     * A worker of the failed attempt may still be running (Spark does not stop the other tasks of a failed barrier
     * stage): after the restore its flushes are refused and its waiting reads fail, until the next attempt begins.
     */
    @Test
    void afterARestoreTheFailedAttemptCanNeitherWriteNorWait() {
        ShardState<String> s = shard(2);
        flush(s, 0, 0);
        flush(s, 1, 0);
        flush(s, 0, 1);
        CheckpointImage atTwo = flush(s, 1, 1).checkpoints().get(0);
        flush(s, 0, 2);
        // Worker 0 (clock 3) waits for worker 1, which has failed.
        assertEquals(null, s.read(new ShardRead<>("zombie read", 0, new int[] {0}, 3, 0, 3, 0, Long.MAX_VALUE, null)));

        List<ExpiredRead<String>> failed = s.restore(atTwo);
        assertEquals(1, failed.size());
        assertEquals("zombie read", failed.get(0).token());
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class, () -> flush(s, 0, 2));
        assertTrue(late.getMessage().contains("is not the active run"), late.getMessage());
        assertEquals(9.0, s.readRange(0, 0, 4).values()[0].get(0), "the restored rows are untouched");

        s.beginRun(2, 2, 2, 2);
        assertTrue(flush2(s, 0, 2).applied());
    }

    private static FlushResult<String> flush2(ShardState<String> s, int worker, int clock) {
        return s.flush(2, worker, clock, List.of(new RowUpdate(0, 0, DenseRow.wrap(new double[] {1, 1}))));
    }

    @Test
    void aCheckpointFileRoundTripsDenseAndSparseRows() throws IOException {
        CheckpointImage image = randomImage(7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFormat.write(image, out);
        CheckpointImage back = CheckpointFormat.read(new ByteArrayInputStream(out.toByteArray()), "shard-0");
        assertEquals(image.clock(), back.clock());
        assertEquals(image.tables().size(), back.tables().size());
        for (int t = 0; t < image.tables().size(); t++) {
            assertEquals(image.tables().get(t).table(), back.tables().get(t).table());
            assertArrayEquals(image.tables().get(t).rows(), back.tables().get(t).rows());
            assertArrayEquals(image.tables().get(t).values(), back.tables().get(t).values());
        }
    }

    @Test
    void aTruncatedOrCorruptedCheckpointFileIsRejectedNamingTheFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFormat.write(randomImage(3), out);
        byte[] bytes = out.toByteArray();

        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);
        IOException e = assertThrows(IOException.class,
                () -> CheckpointFormat.read(new ByteArrayInputStream(truncated), "shard-1.ckpt"));
        assertTrue(e.getMessage().contains("shard-1.ckpt") && e.getMessage().contains("truncated"), e.getMessage());

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x40;
        IOException c = assertThrows(IOException.class,
                () -> CheckpointFormat.read(new ByteArrayInputStream(flipped), "shard-1.ckpt"));
        assertTrue(c.getMessage().contains("shard-1.ckpt"), c.getMessage());

        byte[] notOne = "hello, world, not a checkpoint".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        IOException m = assertThrows(IOException.class,
                () -> CheckpointFormat.read(new ByteArrayInputStream(notOne), "x"));
        assertTrue(m.getMessage().contains("bad magic"), m.getMessage());
    }

    @Test
    void aCheckpointFileKeepsEachTablesUpdateRule() throws IOException {
        TableRef adaGrad = new TableRef(5, TableSpec.dense("g", 2, 2).updateRule(UpdateRule.adaGrad(0.1, 1e-8)));
        TableRef adam = new TableRef(6, TableSpec.sparse("m", 2, 50).staleness(1)
                .updateRule(UpdateRule.adam(1e-3, 0.9, 0.999, 1e-7)));
        CheckpointImage image = new CheckpointImage(3, 0, 1, List.of(
                new CheckpointImage.TableImage(DENSE, new int[0], new RowValues[0]),
                new CheckpointImage.TableImage(adaGrad, new int[] {1}, new RowValues[] {DenseRow.wrap(new double[] {1, -2})}),
                new CheckpointImage.TableImage(adam, new int[] {0},
                        new RowValues[] {SparseRow.of(50, new int[] {49}, new double[] {0.5})})));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFormat.write(image, out);
        CheckpointImage back = CheckpointFormat.read(new ByteArrayInputStream(out.toByteArray()), "shard-0");
        for (int t = 0; t < 3; t++) {
            assertEquals(image.tables().get(t).table(), back.tables().get(t).table());
            assertArrayEquals(image.tables().get(t).values(), back.tables().get(t).values());
        }
        assertEquals(UpdateRule.adam(1e-3, 0.9, 0.999, 1e-7), back.tables().get(2).table().spec().updateRule());
    }

    @Test
    void aCheckpointFileKeepsAnAdaptiveTablesMaxAndOldModelNumbersKeepTheirMeaning() throws IOException {
        TableRef auto = new TableRef(7, TableSpec.dense("auto", 2, 2).consistency(Consistency.sspAuto(4)));
        CheckpointImage image = new CheckpointImage(3, 0, 1, List.of(new CheckpointImage.TableImage(auto,
                new int[] {1}, new RowValues[] {DenseRow.wrap(new double[] {3, 4})})));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFormat.write(image, out);
        CheckpointImage back = CheckpointFormat.read(new ByteArrayInputStream(out.toByteArray()), "shard-0");
        assertEquals(Consistency.sspAuto(4), back.tables().get(0).table().spec().consistency());
        assertArrayEquals(image.tables().get(0).values(), back.tables().get(0).values());
        // Files store the model's ordinal: the models of older files must keep theirs, the new one comes last.
        assertEquals(List.of("BSP", "SSP", "ASYNC", "ESSP", "VALUE_BOUND", "SSP_AUTO"),
                Arrays.stream(Consistency.Model.values()).map(Enum::name).toList());
    }

    @Test
    void anImageLeavesOutTheOptimizerStepsOfClocksAtOrPastItsBoundary() {
        TableRef t = new TableRef(0, TableSpec.dense("g", 2, 1).staleness(3).updateRule(UpdateRule.adaGrad(0.5, 1e-8)));
        ShardState<String> s = new ShardState<>(0, new RowPartitioner(1));
        s.createTable(t);
        s.beginRun(1, 2, 0, 2);
        // Row 0 steps at (worker 0, clock 0), (1, 0), (0, 1), then worker 0 runs ahead: (0, 2) is past boundary 2.
        s.flush(1, 0, 0, List.of(grad(0, 1.0)));
        s.flush(1, 1, 0, List.of(grad(0, 3.0)));
        s.flush(1, 0, 1, List.of(grad(0, -2.0)));
        double atBoundary = s.readRange(0, 0, 1).values()[0].get(0);
        s.flush(1, 0, 2, List.of(grad(0, 4.0)));
        CheckpointImage image = s.flush(1, 1, 1, List.of(grad(1, 1.0))).checkpoints().get(0);

        double live = s.readRange(0, 0, 1).values()[0].get(0);
        assertEquals(atBoundary - 0.5 * 4 / (Math.sqrt(1 + 9 + 4 + 16) + 1e-8), live, 1e-15, "the live row took four steps");
        assertEquals(atBoundary, image.tables().get(0).values()[0].get(0), 1e-15,
                "the image holds the row as the three steps below the boundary left it");
    }

    private static RowUpdate grad(int row, double g) {
        return new RowUpdate(0, row, DenseRow.wrap(new double[] {g}));
    }

    private static CheckpointImage randomImage(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = {rng.nextDouble(), -rng.nextDouble()};
        double[] b = {1e300, Double.MIN_VALUE};
        SparseRow sr = SparseRow.of(1000, new int[] {0, 999, 17}, new double[] {rng.nextDouble(), 2, -3});
        return new CheckpointImage(4, 0, 1, List.of(
                new CheckpointImage.TableImage(DENSE, new int[] {0, 3}, new RowValues[] {DenseRow.wrap(a), DenseRow.wrap(b)}),
                new CheckpointImage.TableImage(SPARSE, new int[] {2}, new RowValues[] {sr})));
    }
}
