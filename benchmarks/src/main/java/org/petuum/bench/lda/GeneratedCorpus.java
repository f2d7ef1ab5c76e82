package org.petuum.bench.lda;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A corpus drawn from known topics, generated inside the executors: the driver only builds a {@link Dataset} over
 * a small range of seeds (one per task), and each task generates its own documents from them when the Dataset is
 * computed. The documents never exist on the driver and are never collected; computing the Dataset again (it is not
 * cached) generates the same documents, because document {@code d} depends only on the corpus seed and {@code d}.
 *
 * <p>The topics: topic {@code t} ranks the whole vocabulary in its own random order (drawn from the corpus seed)
 * and gives the word of rank {@code r} a probability proportional to {@code 1 / (r + 1)} (Zipf's law), so every
 * topic has a few frequent words of its own and a long tail shared with the others. A document mixes
 * {@link #TOPICS_PER_DOC} distinct topics with uniform random weights and has exactly {@code docLength} tokens.
 *
 * <p>Immutable and serializable (a few numbers); every task rebuilds the topics' rankings (k × vocabulary ints).
 * Give the Dataset as many tasks as the fit has workers and a fit reads it without a shuffle, each worker
 * generating the documents it samples.
 */
public final class GeneratedCorpus implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Topics mixed in one document. */
    public static final int TOPICS_PER_DOC = 3;

    private final int vocab;
    private final int k;
    private final int docLength;
    private final long seed;

    /**
     * @throws IllegalArgumentException naming the parameter out of range
     */
    public GeneratedCorpus(int vocab, int k, int docLength, long seed) {
        if (vocab < 2) {
            throw new IllegalArgumentException("vocab : " + vocab + " (expected: >= 2)");
        }
        if (k < TOPICS_PER_DOC) {
            throw new IllegalArgumentException("k : " + k + " (expected: >= " + TOPICS_PER_DOC + ")");
        }
        if (docLength < 1) {
            throw new IllegalArgumentException("docLength : " + docLength + " (expected: >= 1)");
        }
        this.vocab = vocab;
        this.k = k;
        this.docLength = docLength;
        this.seed = seed;
    }

    public int vocab() {
        return vocab;
    }

    public int k() {
        return k;
    }

    public int docLength() {
        return docLength;
    }

    /** The documents needed for at least {@code tokens} tokens. */
    public long docsFor(long tokens) {
        return Math.max(1, (tokens + docLength - 1) / docLength);
    }

    /**
     * Documents {@code [first, first + count)} as {@code (features VECTOR)} term counts over {@link #vocab} words,
     * in {@code tasks} partitions: partition {@code i} is the range of seeds' task {@code i}, which generates its
     * share of the documents one at a time as they are read (never more than one document held by the generator).
     */
    public Dataset<Row> documents(SparkSession spark, long first, long count, int tasks) {
        if (first < 0 || count < 1 || tasks < 1) {
            throw new IllegalArgumentException("documents [" + first + ", " + first + " + " + count + ") in " + tasks
                    + " task(s) (expected: first >= 0, count >= 1, tasks >= 1)");
        }
        int n = (int) Math.min(count, tasks);
        GeneratedCorpus self = this;
        JavaRDD<Row> rows = spark.range(0, n, 1, n).toJavaRDD().mapPartitions(ids -> {
            List<long[]> ranges = new ArrayList<>();
            while (ids.hasNext()) {
                long task = ids.next();
                ranges.add(new long[] {first + count * task / n, first + count * (task + 1) / n});
            }
            return self.generate(ranges);
        });
        return spark.createDataFrame(rows, new StructType().add("features", SQLDataTypes.VectorType()));
    }

    /** The documents of the given {@code [from, to)} ranges, generated lazily in order. */
    Iterator<Row> generate(List<long[]> ranges) {
        return new Iterator<>() {
            private Generator generator;
            private int range;
            private long next = ranges.isEmpty() ? 0 : ranges.get(0)[0];

            @Override
            public boolean hasNext() {
                while (range < ranges.size() && next >= ranges.get(range)[1]) {
                    range++;
                    next = range < ranges.size() ? ranges.get(range)[0] : 0;
                }
                return range < ranges.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no more generated documents");
                }
                if (generator == null) {
                    generator = new Generator(topics());
                }
                return RowFactory.create(generator.document(next++));
            }
        };
    }

    /** Generates documents from the topics; owned by one task. */
    private final class Generator {
        private final Topics topics;
        private final int[] counts = new int[vocab];
        private final int[] touched = new int[docLength];
        private final int[] chosen = new int[TOPICS_PER_DOC];
        private final double[] weight = new double[TOPICS_PER_DOC];

        Generator(Topics topics) {
            this.topics = topics;
        }

        /** Document {@code d}: its content depends only on the corpus seed and {@code d}. */
        Vector document(long d) {
            SplittableRandom random = new SplittableRandom(mix(seed, d));
            double sum = 0;
            for (int i = 0; i < TOPICS_PER_DOC; i++) {
                int t;
                do {
                    t = random.nextInt(k);
                } while (contains(chosen, i, t));
                chosen[i] = t;
                weight[i] = random.nextDouble();
                sum += weight[i];
            }
            int distinct = 0;
            for (int n = 0; n < docLength; n++) {
                double u = random.nextDouble() * sum;
                int i = 0;
                while (i < TOPICS_PER_DOC - 1 && (u -= weight[i]) > 0) {
                    i++;
                }
                int w = topics.draw(chosen[i], random);
                if (counts[w]++ == 0) {
                    touched[distinct++] = w;
                }
            }
            Arrays.sort(touched, 0, distinct);
            int[] indices = Arrays.copyOf(touched, distinct);
            double[] values = new double[distinct];
            for (int j = 0; j < distinct; j++) {
                values[j] = counts[indices[j]];
                counts[indices[j]] = 0;
            }
            return Vectors.sparse(vocab, indices, values);
        }
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    private static long mix(long seed, long d) {
        long z = seed * 0x9E3779B97F4A7C15L + d + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The true topics, {@code k × vocab}, each row summing to 1: what a learned model should recover. */
    public double[][] topicWordMatrix() {
        Topics topics = topics();
        double[][] out = new double[k][vocab];
        for (int t = 0; t < k; t++) {
            for (int r = 0; r < vocab; r++) {
                double below = r == 0 ? 0 : topics.cumulative[r - 1];
                out[t][topics.wordAt[t][r]] = topics.cumulative[r] - below;
            }
        }
        return out;
    }

    Topics topics() {
        return new Topics(this);
    }

    /** The topics' word rankings and the Zipf cumulative distribution over ranks; owned by one task. */
    static final class Topics {
        final int[][] wordAt;
        final double[] cumulative;

        Topics(GeneratedCorpus c) {
            SplittableRandom random = new SplittableRandom(mix(c.seed, -1));
            wordAt = new int[c.k][];
            for (int t = 0; t < c.k; t++) {
                int[] perm = new int[c.vocab];
                for (int w = 0; w < c.vocab; w++) {
                    perm[w] = w;
                }
                for (int w = c.vocab - 1; w > 0; w--) {
                    int j = random.nextInt(w + 1);
                    int tmp = perm[w];
                    perm[w] = perm[j];
                    perm[j] = tmp;
                }
                wordAt[t] = perm;
            }
            cumulative = new double[c.vocab];
            double sum = 0;
            for (int r = 0; r < c.vocab; r++) {
                sum += 1.0 / (r + 1);
                cumulative[r] = sum;
            }
            for (int r = 0; r < c.vocab; r++) {
                cumulative[r] /= sum;
            }
            cumulative[c.vocab - 1] = 1;
        }

        int draw(int topic, SplittableRandom random) {
            int r = Arrays.binarySearch(cumulative, random.nextDouble());
            if (r < 0) {
                r = -r - 1;
            }
            return wordAt[topic][Math.min(r, cumulative.length - 1)];
        }
    }

    @Override
    public String toString() {
        return String.format("generated corpus: vocabulary %,d, %d topics (Zipf over a random ranking each), "
                + "%d topics per document, %d tokens per document, seed %d", vocab, k, TOPICS_PER_DOC, docLength, seed);
    }
}
