package org.petuum.ml.clustering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ml.TestSpark;
import org.petuum.ml.internal.lda.PassHook;
import org.petuum.ps.PsContext;

/** LDA on {@code local-cluster[2,1,1024]}: two workers in two executor JVMs, each with its own shard server. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LDATest {
    private static SparkSession spark;
    private static SyntheticCorpus corpus;

    @BeforeAll
    static void start() {
        spark = TestSpark.cluster();
        corpus = new SyntheticCorpus(5, 400, 60, 42);
    }

    private static LDA lda() {
        return new LDA().setK(5).setMaxIter(40).setDocConcentration(0.5).setTopicConcentration(0.01).setSeed(7);
    }

    /** Checks, after every pass, that every count adds up to the tokens assigned, and keeps what went wrong. */
    private static final class CountCheck implements PassHook {
        final List<String> failures = new ArrayList<>();
        int passes;

        @Override
        public void afterPass(LDAPass pass, CountsProbe probe) {
            passes++;
            double[][] wt = probe.wordTopic();
            double[] totals = probe.totals();
            double[] columnSums = new double[totals.length];
            for (int w = 0; w < wt.length; w++) {
                double sum = 0;
                for (int t = 0; t < wt[w].length; t++) {
                    if (wt[w][t] < 0) {
                        failures.add("pass " + pass.pass() + ": word " + w + " topic " + t + " count " + wt[w][t]);
                    }
                    sum += wt[w][t];
                    columnSums[t] += wt[w][t];
                }
                if (sum != corpus.wordTokens[w]) {
                    failures.add("pass " + pass.pass() + ": word " + w + " row sums to " + sum + ", has "
                            + corpus.wordTokens[w] + " tokens");
                }
            }
            double all = 0;
            for (int t = 0; t < totals.length; t++) {
                all += totals[t];
                if (columnSums[t] != totals[t]) {
                    failures.add("pass " + pass.pass() + ": topic " + t + " total " + totals[t]
                            + " but its word counts sum to " + columnSums[t]);
                }
            }
            if (all != corpus.tokens || probe.docTopicSum() != corpus.tokens || probe.tokensHeld() != corpus.tokens
                    || pass.tokens() != corpus.tokens) {
                failures.add("pass " + pass.pass() + ": totals " + all + ", doc-topic counts " + probe.docTopicSum()
                        + ", held " + probe.tokensHeld() + ", sampled " + pass.tokens() + " of " + corpus.tokens);
            }
        }
    }

    /**
     * Runs 30 passes checking the counts after each. (In data-parallel mode the check reads a consistent state only
     * with staleness 0: with more, workers may be a clock ahead of the driver while it reads.)
     */
    private static void assertConsistentAndLearned(String schedule, int staleness) {
        CountCheck check = new CountCheck();
        LDAModel model = lda().setSchedule(schedule).setStaleness(staleness).setMaxIter(30).passHook(check)
                .fit(corpus.frame(spark));
        assertEquals(30, check.passes);
        assertTrue(check.failures.isEmpty(), String.join("\n", check.failures));
        assertEquals(30, model.trainingTrace().size());
        assertEquals(corpus.tokens, model.trainingTokens());
        List<LDAPass> trace = model.trainingTrace();
        assertTrue(trace.get(29).logLikelihoodPerToken() > trace.get(0).logLikelihoodPerToken(),
                "the likelihood rises: " + trace.get(0) + " -> " + trace.get(29));
        for (LDAPass p : trace) {
            assertEquals(corpus.tokens, p.tokens(), "tokens of pass " + p.pass());
            assertTrue(p.samplerCpuSeconds() > 0, "the workers report their sampler's CPU time: " + p);
        }
    }

    /** The learned counts once the fit is over: every word's row sums to its tokens, at any staleness. */
    private static void assertFinalCountsMatchTheCorpus(LDAModel model) {
        double[][] wt = model.wordTopicCounts();
        for (int w = 0; w < wt.length; w++) {
            double sum = 0;
            for (double c : wt[w]) {
                assertTrue(c >= 0, "word " + w + " has a negative count");
                sum += c;
            }
            assertEquals(corpus.wordTokens[w], sum, 0.0, "word " + w);
        }
    }

    @Test
    void countsStayConsistentAfterEveryPassUnderRotation() {
        assertConsistentAndLearned("rotation", 1);
    }

    @Test
    void countsStayConsistentAfterEveryPassInDataParallelMode() {
        assertConsistentAndLearned("none", 0);
    }

    /**
     * Tolerance: each true topic within L1 distance 0.25 of its matched learned topic (out of a maximum of 2).
     * Collapsed Gibbs sampling can settle in a local optimum where two topics merge and another splits, whatever
     * the implementation: on this corpus a textbook sequential sampler did in 1 of 12 seeds, and both modes here
     * with two workers in about 1 of 10 to 1 of 4 (and the rotation depends on timing through its stale totals).
     * So each mode must recover the topics with at least one of three seeds, and every fit must keep its counts.
     * The rotation runs with stale topic totals (staleness 2); the data-parallel mode at staleness 0.
     */
    @Test
    void learnsTheTopicsTheCorpusWasGeneratedFrom() {
        String[] schedules = {"rotation", "none"};
        int[] staleness = {2, 0};
        for (int i = 0; i < schedules.length; i++) {
            String schedule = schedules[i];
            List<String> tried = new ArrayList<>();
            boolean recovered = false;
            for (long seed = 7; seed < 10 && !recovered; seed++) {
                LDAModel model = lda().setSeed(seed).setSchedule(schedule).setStaleness(staleness[i])
                        .fit(corpus.frame(spark));
                assertFinalCountsMatchTheCorpus(model);
                double worst = corpus.worstMatchedDistance(model.topicWordDistributions());
                tried.add("seed " + seed + ": " + worst);
                recovered = worst < 0.25;
            }
            assertTrue(recovered, schedule + ": worst matched L1 distance " + tried);
        }
        // Stale counts still add up once the fit is over.
        assertFinalCountsMatchTheCorpus(lda().setSchedule("none").setStaleness(2).fit(corpus.frame(spark)));
    }

    @Test
    void savedAndLoadedModelTransformsDocumentsToTheSameProportions(@TempDir Path dir) throws Exception {
        Dataset<Row> docs = corpus.frame(spark);
        LDAModel model = lda().setMaxIter(10).fit(docs);
        String path = dir.resolve("lda").toString();
        model.write().overwrite().save(path);
        LDAModel loaded = LDAModel.load(path);
        assertEquals(model.vocabSize(), loaded.vocabSize());
        assertEquals(5, loaded.getK());
        assertEquals(model.uid(), loaded.uid());
        List<Row> a = model.transform(docs).select("topicDistribution").collectAsList();
        List<Row> b = loaded.transform(docs).select("topicDistribution").collectAsList();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            Vector x = a.get(i).getAs(0);
            assertArrayEquals(x.toArray(), ((Vector) b.get(i).getAs(0)).toArray(), 0.0);
            assertEquals(1.0, Vectors.norm(x, 1), 1e-9);
        }
        assertEquals(model.logPerplexity(docs), loaded.logPerplexity(docs), 1e-12);
        Row first = model.describeTopics(3).orderBy("topic").first();
        assertEquals(3, first.getList(1).size());
        LDA estimator = lda();
        estimator.write().overwrite().save(dir.resolve("estimator").toString());
        assertEquals(40, LDA.load(dir.resolve("estimator").toString()).getMaxIter());
    }

    @Test
    void documentCompletionPrefersTheTrueTopicsToUniformOnes() {
        Dataset<Row> docs = corpus.frame(spark);
        double[] truth = new double[corpus.vocab * corpus.k];
        double[] uniform = new double[corpus.vocab * corpus.k];
        for (int t = 0; t < corpus.k; t++) {
            for (int w = 0; w < corpus.vocab; w++) {
                truth[t * corpus.vocab + w] = corpus.topics[t][w];
                uniform[t * corpus.vocab + w] = 1;
            }
        }
        double good = new DocumentCompletion(new DenseMatrix(corpus.vocab, corpus.k,
                truth), 0.5).evaluate(docs, "features").perplexity();
        double flat = new DocumentCompletion(new DenseMatrix(corpus.vocab, corpus.k,
                uniform), 0.5).evaluate(docs, "features").perplexity();
        assertEquals(corpus.vocab, flat, 1e-6, "uniform topics give perplexity = vocabulary size");
        assertTrue(good < 0.8 * flat, "true topics " + good + " vs uniform " + flat);
    }

    @Test
    void badInputFailsNamingTheColumnOrParameterAndLeavesNoTable() {
        PsContext ps = PsContext.get(spark);
        int tablesBefore = ps.tables().size();
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType());
        Dataset<Row> negative = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2)),
                RowFactory.create(Vectors.dense(0, -1))), schema);
        assertMessage(() -> lda().fit(negative), "featuresCol: column 'features' holds -1.0 at index 1");
        Dataset<Row> fractional = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1.5, 2))), schema);
        assertMessage(() -> lda().fit(fractional), "holds 1.5 at index 0");
        Dataset<Row> sizes = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2)),
                RowFactory.create(Vectors.dense(1, 2, 3))), schema);
        assertMessage(() -> lda().fit(sizes), "holds vectors of sizes");
        Dataset<Row> empty = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(0, 0))), schema);
        assertMessage(() -> lda().fit(empty), "holds no tokens");
        assertMessage(() -> lda().setFeaturesCol("words").fit(empty), "featuresCol: no column 'words'");
        Dataset<Row> text = spark.createDataFrame(List.of(RowFactory.create("a b")),
                new StructType().add("features", DataTypes.StringType));
        assertMessage(() -> lda().fit(text), "featuresCol: column 'features' has type string");
        assertMessage(() -> lda().setK(1), "k given invalid value 1");
        assertMessage(() -> lda().setSchedule("random"), "schedule given invalid value random");
        assertMessage(() -> lda().setDocConcentration(0), "docConcentration given invalid value 0.0");
        assertEquals(tablesBefore, ps.tables().size(), "no table left behind");
    }

    private static void assertMessage(Runnable r, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
