package org.petuum.ml.internal.lda;

import java.util.Arrays;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.petuum.ml.clustering.LDAPass;
import org.petuum.ps.PsContext;
import org.petuum.ps.ScheduledRun;
import org.petuum.ssp.Consistency;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableSpec;

/**
 * Runs one fit: creates the tables, runs the workers and the driver's part in one scheduled run, reads the learned
 * word–topic counts back and drops every table, whether the fit succeeds or not.
 *
 * <p>Tables: the word–topic counts (one row per word or word piece, {@code k} columns; sparse rows once {@code k}
 * exceeds {@link #SPARSE_FROM_K}, since a word uses few topics); under rotation they are BSP, because a block's
 * rows are changed by one worker per round and read by the next owner only after the round, so no staleness is
 * needed or allowed; in data-parallel mode they are SSP with the fit's staleness. The topic totals are one row
 * under SSP in both modes, as every worker changes every total all the time.
 */
public final class LdaTrainer {
    /** From this many topics on, word rows are stored sparse. */
    public static final int SPARSE_FROM_K = 64;
    private static final Logger LOG = LogManager.getLogger(LdaTrainer.class);

    private LdaTrainer() {
    }

    /** The outcome of a fit: the word–topic counts ({@code vocabSize × k}) and one entry per pass. */
    public record Result(double[][] wordTopic, List<LDAPass> trace, long tokens) {
    }

    /**
     * Fits on {@code corpus}, which must have exactly {@code setup.workers} partitions (one worker each).
     *
     * @param staleness the SSP bound of the topic totals (and of the word rows in data-parallel mode)
     */
    public static Result fit(PsContext ps, JavaRDD<Vector> corpus, LdaSetup setup, int staleness, PassHook hook) {
        int k = setup.k;
        WordBlocks blocks = setup.blocks;
        TableSpec words = k >= SPARSE_FROM_K ? TableSpec.sparse(setup.wordTable, blocks.rows(), k)
                : TableSpec.dense(setup.wordTable, blocks.rows(), k);
        words = words.consistency(setup.rotation ? Consistency.bsp() : Consistency.ssp(staleness));
        LOG.info("LDA: {} topics, {} words in {} rows, {} block(s) of {} tokens, {} worker(s), {}", k,
                blocks.vocabSize(), blocks.rows(), blocks.blocks(), Arrays.toString(blocks.blockTokens()),
                setup.workers, setup.rotation ? "rotation" : "data-parallel");
        try {
            ps.createTable(words);
            ps.createTable(TableSpec.dense(setup.totalsTable, 1, k).consistency(Consistency.ssp(staleness)));
            if (setup.rotation) {
                setup.rounds.create(ps);
            } else {
                ps.createTable(TableSpec.dense(setup.statsTable, setup.passes + 1, LdaSetup.STATS)
                        .consistency(Consistency.bsp()));
            }
            ScheduledRun<Long, List<LDAPass>> run = ps.runScheduled(corpus, new LdaWorker(setup),
                    LdaDrivers.of(setup, hook));
            long tokens = run.workers().stream().mapToLong(Long::longValue).sum();
            return new Result(wordTopic(ps.read(setup.wordTable), blocks, k), run.driver(), tokens);
        } finally {
            drop(ps, setup.wordTable);
            drop(ps, setup.totalsTable);
            if (setup.rotation) {
                setup.rounds.drop(ps);
            } else {
                drop(ps, setup.statsTable);
            }
        }
    }

    /** Adds up the rows of each word's pieces. */
    static double[][] wordTopic(RowValues[] rows, WordBlocks blocks, int k) {
        double[][] out = new double[blocks.vocabSize()][k];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] != null) {
                double[] target = out[blocks.wordOfRow(r)];
                rows[r].forEachNonZero((c, v) -> target[c] += v);
            }
        }
        return out;
    }

    private static void drop(PsContext ps, String table) {
        try {
            ps.dropTable(table);
        } catch (IllegalArgumentException e) {
            // never created: the fit failed before creating it
        }
    }
}
