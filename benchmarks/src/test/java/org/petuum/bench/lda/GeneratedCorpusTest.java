package org.petuum.bench.lda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The generated corpus: its counts, its determinism per seed and document number, and its known topics. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GeneratedCorpusTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("generated corpus test")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Collects for the test's own checks only; the benchmark never collects the corpus. */
    private static List<Vector> vectors(Dataset<Row> docs) {
        return docs.toJavaRDD().map(r -> (Vector) r.get(0)).collect();
    }

    @Test
    void everyDocumentHasItsLengthOverTheVocabularyInTheGivenTasks() {
        GeneratedCorpus corpus = new GeneratedCorpus(300, 7, 40, 5);
        Dataset<Row> docs = corpus.documents(spark, 0, 57, 3);
        assertEquals(3, docs.toJavaRDD().getNumPartitions(), "one partition per generating task");
        List<Vector> v = vectors(docs);
        assertEquals(57, v.size());
        for (Vector doc : v) {
            SparseVector s = doc.toSparse();
            assertEquals(300, s.size());
            double sum = 0;
            int previous = -1;
            for (int i = 0; i < s.indices().length; i++) {
                assertTrue(s.indices()[i] > previous && s.indices()[i] < 300, "sorted word ids in range");
                assertTrue(s.values()[i] >= 1 && s.values()[i] == Math.rint(s.values()[i]), "whole counts");
                previous = s.indices()[i];
                sum += s.values()[i];
            }
            assertEquals(40, sum, 0.0, "tokens per document");
        }
        assertEquals(50, corpus.docsFor(2000));
        assertEquals(51, corpus.docsFor(2001));
    }

    @Test
    void aDocumentDependsOnlyOnTheSeedAndItsNumber() {
        GeneratedCorpus corpus = new GeneratedCorpus(300, 7, 40, 5);
        List<Vector> three = vectors(corpus.documents(spark, 0, 57, 3));
        assertEquals(three, vectors(corpus.documents(spark, 0, 57, 5)), "same documents in another number of tasks");
        assertEquals(three.subList(20, 30), vectors(corpus.documents(spark, 20, 10, 2)), "a range of them");
        List<Vector> other = vectors(new GeneratedCorpus(300, 7, 40, 6).documents(spark, 0, 57, 3));
        assertNotEquals(three, other, "another seed, other documents");
    }

    /**
     * Every topic is as likely as any other in a document, so the corpus's word frequencies converge to the mean of
     * the true topics; 200,000 tokens over 200 words put the L1 distance's noise near 0.025.
     */
    @Test
    void wordFrequenciesFollowTheKnownTopics() {
        GeneratedCorpus corpus = new GeneratedCorpus(200, 5, 100, 9);
        double[][] topics = corpus.topicWordMatrix();
        double[] expected = new double[200];
        for (double[] topic : topics) {
            double sum = 0;
            for (int w = 0; w < 200; w++) {
                sum += topic[w];
                expected[w] += topic[w] / topics.length;
            }
            assertEquals(1, sum, 1e-9, "a topic is a distribution");
        }
        double[] seen = new double[200];
        double tokens = 0;
        for (Vector doc : vectors(corpus.documents(spark, 0, 2000, 2))) {
            SparseVector s = doc.toSparse();
            for (int i = 0; i < s.indices().length; i++) {
                seen[s.indices()[i]] += s.values()[i];
                tokens += s.values()[i];
            }
        }
        double l1 = 0;
        double uniform = 0;
        for (int w = 0; w < 200; w++) {
            l1 += Math.abs(seen[w] / tokens - expected[w]);
            uniform += Math.abs(1.0 / 200 - expected[w]);
        }
        assertTrue(l1 < 0.06, "L1 distance to the topics' mean " + l1);
        assertTrue(uniform > 0.2, "the topics are far from uniform, so the check can fail: " + uniform);
    }

    @Test
    void badParametersAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeneratedCorpus(1, 5, 10, 0))
                .getMessage().contains("vocab"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeneratedCorpus(100, 2, 10, 0))
                .getMessage().contains("k : 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeneratedCorpus(100, 5, 0, 0))
                .getMessage().contains("docLength"));
        GeneratedCorpus corpus = new GeneratedCorpus(100, 5, 10, 0);
        assertThrows(IllegalArgumentException.class, () -> corpus.documents(spark, 0, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> corpus.documents(spark, 0, 10, 0));
    }
}
