package org.petuum.ml.clustering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.ml.internal.lda.WordBlocks;
import org.petuum.scheduler.RotationSchedule;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WordBlocksTest {

    /** A Zipf-shaped vocabulary whose first word alone holds 30% of the tokens. */
    private static double[] skewed(int v) {
        double[] counts = new double[v];
        double rest = 0;
        for (int w = 1; w < v; w++) {
            counts[w] = Math.floor(10_000.0 / w) + 1;
            rest += counts[w];
        }
        counts[0] = Math.round(rest * 0.3 / 0.7);
        return counts;
    }

    @Test
    void blocksHoldAboutEqualTokensEvenWhenOneWordHoldsAThirdOfTheCorpus() {
        double[] counts = skewed(2000);
        for (int workers : new int[] {2, 3, 4, 8}) {
            WordBlocks blocks = WordBlocks.balanced(counts, workers);
            double[] load = blocks.blockTokens();
            double mean = 0;
            double max = 0;
            for (double l : load) {
                mean += l / workers;
                max = Math.max(max, l);
            }
            assertTrue(max <= 1.05 * mean, workers + " blocks: largest " + max + ", mean " + mean);
            assertTrue(blocks.pieces(0) > 1, "the most frequent word is split");
        }
    }

    @Test
    void splitWordPiecesLieInDifferentBlocksAndMapBackToTheirWord() {
        WordBlocks blocks = WordBlocks.balanced(skewed(500), 4);
        int pieces = blocks.pieces(0);
        assertEquals(4, pieces);
        Set<Integer> seen = new HashSet<>();
        for (long doc = 0; doc < 100; doc++) {
            int row = blocks.row(0, doc);
            assertEquals(0, blocks.wordOfRow(row));
            seen.add(blocks.blockOfRow(row));
            assertEquals(pieces - 1, blocks.siblings(row).length);
        }
        assertEquals(4, seen.size(), "a document's piece is spread over every block");
        for (int w = 1; w < 500; w++) {
            assertEquals(w, blocks.wordOfRow(blocks.row(w, 7)));
        }
        int rows = 0;
        for (int w = 0; w < 500; w++) {
            rows += blocks.pieces(w);
        }
        assertEquals(rows, blocks.rows());
    }

    @Test
    void rotationNeverGivesOneWordBlockToTwoWorkersInARoundAndVisitsEveryBlockOncePerPass() {
        for (int workers = 1; workers <= 8; workers++) {
            WordBlocks blocks = WordBlocks.balanced(skewed(300), workers);
            RotationSchedule schedule = new RotationSchedule(workers, blocks.blocks());
            int[][] visits = new int[workers][blocks.blocks()];
            for (long round = 0; round < 3L * blocks.blocks(); round++) {
                int[] a = schedule.assignment(round);
                Set<Integer> owners = new HashSet<>();
                for (int w = 0; w < workers; w++) {
                    assertTrue(owners.add(a[w]), "round " + round + ": block " + a[w] + " given twice");
                    visits[w][a[w]]++;
                }
                // every row belongs to exactly one block, so distinct blocks mean no row has two writers
                Set<Integer> rowOwners = new HashSet<>();
                for (int row = 0; row < blocks.rows(); row++) {
                    int b = blocks.blockOfRow(row);
                    for (int w = 0; w < workers; w++) {
                        if (a[w] == b) {
                            assertTrue(rowOwners.add(row), "row " + row + " owned twice in round " + round);
                        }
                    }
                }
            }
            for (int[] v : visits) {
                for (int count : v) {
                    assertEquals(3, count, "every worker visits every block once per pass");
                }
            }
        }
    }
}
