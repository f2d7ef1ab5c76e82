package org.petuum.ssp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A narrow dense table (stored in blocks of rows) and a wide one (a row object each) that receive the same updates
 * in their first columns give the same answers, range reads, checkpoint images and restores: for tables that add
 * their updates and tables with an optimizer, with a worker ahead of a checkpoint boundary and rows put between
 * clocks, on a shard that is not the first of several.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NarrowAndWideTablesTest {
    private static final int NARROW = 10;
    private static final int WIDE = ShardTables.LEND_FROM_COLUMNS;
    private static final int ROWS = 1000;
    private static final int SHARDS = 3;
    private static final int SHARD = 1;
    private static final int WORKERS = 2;
    private static final int INTERVAL = 2;
    private static final long NEVER = Long.MAX_VALUE;
    /** Cells must be equal, except that -0.0 and 0.0 count as one (an optimizer step of a zero gradient). */
    private static final double EXACT = 0.0;

    /** A narrow table and a wide one with the same update rule. */
    private record Pair(TableRef narrow, TableRef wide) {
    }

    private static final List<Pair> PAIRS = List.of(
            pair(1, UpdateRule.add()),
            pair(3, UpdateRule.adaGrad(0.1, 1e-8)),
            pair(5, UpdateRule.adam(0.01, 0.9, 0.999, 1e-8)));

    private static Pair pair(int id, UpdateRule rule) {
        return new Pair(new TableRef(id, TableSpec.dense("n" + id, ROWS, NARROW).updateRule(rule)),
                new TableRef(id + 1, TableSpec.dense("w" + id, ROWS, WIDE).updateRule(rule)));
    }

    /** This shard's rows at the edges of blocks (local indices 63, 64, ...) and far apart; then one never written. */
    private static final int[] WRITTEN = Arrays.stream(new int[] {0, 1, 2, 62, 63, 64, 65, 127, 128, 300})
            .map(local -> local * SHARDS + SHARD).toArray();
    private static final int NEVER_WRITTEN = 200 * SHARDS + SHARD;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void theSameUpdatesGiveTheSameAnswersImagesAndRestores(long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        ShardState<String> shard = shard();
        shard.beginRun(1, WORKERS, 0, INTERVAL);
        CheckpointImage start = shard.checkpointNow();
        List<CheckpointImage> images = run(shard, 1, 0, 12, rng);
        assertTrue(images.size() >= 3, "images taken: " + images.size());
        for (CheckpointImage image : images) {
            checkSame(image);
        }

        CheckpointImage image = roundTrip(images.get(images.size() / 2));
        checkSame(image);
        shard.restore(image);
        checkSame(shard, "restored");
        ShardState<String> fresh = shard();
        fresh.restore(image);
        checkSame(fresh, "restored afresh");

        // Both continue from the image with the same updates: the optimizer state came back too.
        shard.beginRun(2, WORKERS, image.clock(), INTERVAL);
        fresh.beginRun(2, WORKERS, image.clock(), INTERVAL);
        long next = rng.nextLong();
        run(shard, 2, image.clock(), image.clock() + 6, new SplittableRandom(next));
        run(fresh, 2, image.clock(), image.clock() + 6, new SplittableRandom(next));
        checkSame(shard, "continued");
        for (Pair p : PAIRS) {
            for (TableRef t : List.of(p.narrow(), p.wide())) {
                RowsSnapshot a = shard.readRange(t.id(), 0, ROWS);
                RowsSnapshot b = fresh.readRange(t.id(), 0, ROWS);
                assertArrayEquals(a.rows(), b.rows(), t.name());
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(a.values()[i].toArray(), b.values()[i].toArray(), EXACT, t.name());
                }
            }
        }

        shard.restore(start);
        for (Pair p : PAIRS) {
            assertEquals(0, shard.readRange(p.narrow().id(), 0, ROWS).size(), "the start image had no rows");
        }
        checkSame(shard, "restored to the start");
    }

    private static ShardState<String> shard() {
        ShardState<String> shard = new ShardState<>(SHARD, new RowPartitioner(SHARDS));
        for (Pair p : PAIRS) {
            shard.createTable(p.narrow());
            shard.createTable(p.wide());
        }
        return shard;
    }

    /**
     * Flushes of the workers in random order from clock {@code from} to {@code to}, worker 0 up to three clocks
     * ahead of worker 1, with a put between some of them; the same updates to both tables of every pair. Checks
     * the pairs after each flush; returns the images taken.
     */
    private static List<CheckpointImage> run(ShardState<String> shard, long runId, int from, int to,
                                             SplittableRandom rng) {
        List<CheckpointImage> images = new ArrayList<>();
        int[] clock = {from, from};
        while (clock[0] < to || clock[1] < to) {
            int w = clock[0] >= to || (clock[0] - clock[1] >= 3) ? 1 : clock[1] >= to ? 0 : rng.nextInt(WORKERS);
            List<RowUpdate> updates = new ArrayList<>();
            for (Pair p : PAIRS) {
                for (int k = rng.nextInt(4); k >= 0; k--) {
                    int row = WRITTEN[rng.nextInt(WRITTEN.length)];
                    RowValues[] delta = sameCells(rng);
                    updates.add(new RowUpdate(p.narrow().id(), row, delta[0]));
                    updates.add(new RowUpdate(p.wide().id(), row, delta[1]));
                }
            }
            images.addAll(shard.flush(runId, w, clock[w]++, updates).checkpoints());
            checkSame(shard, "run " + runId + " worker " + w + " clock " + clock[w]);
            if (rng.nextInt(5) == 0) {
                Pair p = PAIRS.get(rng.nextInt(PAIRS.size()));
                int row = WRITTEN[rng.nextInt(WRITTEN.length)];
                RowValues[] value = sameCells(rng);
                shard.putRows(p.narrow().id(), new int[] {row}, new RowValues[] {value[0]});
                shard.putRows(p.wide().id(), new int[] {row}, new RowValues[] {value[1]});
            }
        }
        return images;
    }

    /** A random row of {@link #NARROW} columns, dense or sparse, and the same cells in a row of {@link #WIDE}. */
    private static RowValues[] sameCells(SplittableRandom rng) {
        boolean dense = rng.nextBoolean();
        RowValues narrow = dense ? new DenseRow(NARROW) : SparseRow.empty(NARROW);
        RowValues wide = dense ? new DenseRow(WIDE) : SparseRow.empty(WIDE);
        for (int k = dense ? NARROW : 1 + rng.nextInt(3); k > 0; k--) {
            int col = rng.nextInt(NARROW);
            double v = rng.nextDouble() * 2 - 1;
            narrow.add(col, v);
            wide.add(col, v);
        }
        return new RowValues[] {narrow, wide};
    }

    /** Reads, range reads and a row never written agree between the tables of every pair. */
    private static void checkSame(ShardState<String> shard, String when) {
        for (Pair p : PAIRS) {
            String what = when + ", " + p.narrow().spec().updateRule();
            RowsSnapshot n = shard.readRange(p.narrow().id(), 0, ROWS);
            RowsSnapshot w = shard.readRange(p.wide().id(), 0, ROWS);
            checkSame(w.rows(), w.values(), n.rows(), n.values(), what + ", range read");
            int[] asked = Arrays.copyOf(WRITTEN, WRITTEN.length + 1);
            asked[WRITTEN.length] = NEVER_WRITTEN;
            RowsSnapshot nr = read(shard, p.narrow(), asked);
            RowsSnapshot wr = read(shard, p.wide(), asked);
            checkSame(wr.rows(), wr.values(), nr.rows(), nr.values(), what + ", read");
            assertArrayEquals(new double[NARROW], nr.values()[WRITTEN.length].toArray(), what + ", never written");
        }
    }

    /** The images of the tables of every pair agree, row for row. */
    private static void checkSame(CheckpointImage image) {
        for (Pair p : PAIRS) {
            CheckpointImage.TableImage n = tableImage(image, p.narrow());
            CheckpointImage.TableImage w = tableImage(image, p.wide());
            checkSame(w.rows(), w.values(), n.rows(), n.values(), "image of clock " + image.clock());
            assertEquals(p.narrow().spec().updateRule().isAdd(), n.optimizer() == null);
        }
    }

    private static void checkSame(int[] wideIds, RowValues[] wide, int[] narrowIds, RowValues[] narrow, String what) {
        assertArrayEquals(wideIds, narrowIds, what + ": row ids");
        for (int i = 0; i < wide.length; i++) {
            double[] w = wide[i].toArray();
            assertArrayEquals(Arrays.copyOf(w, NARROW), narrow[i].toArray(), EXACT, what + ": row " + narrowIds[i]);
            assertArrayEquals(new double[WIDE - NARROW], Arrays.copyOfRange(w, NARROW, WIDE), EXACT,
                    what + ": row " + wideIds[i] + " beyond the narrow columns");
        }
    }

    private static CheckpointImage.TableImage tableImage(CheckpointImage image, TableRef t) {
        return image.tables().stream().filter(i -> i.table().equals(t)).findFirst().orElseThrow();
    }

    private static RowsSnapshot read(ShardState<String> shard, TableRef t, int[] rows) {
        return shard.read(new ShardRead<>("r", t.id(), rows, Long.MIN_VALUE, 0, 0, 0, NEVER)).rows();
    }

    private static CheckpointImage roundTrip(CheckpointImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFormat.write(image, out);
        return CheckpointFormat.read(new ByteArrayInputStream(out.toByteArray()), "image");
    }
}
