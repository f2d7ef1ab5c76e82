package org.petuum.ml.internal.lda;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * What a fit needs to know about a corpus before any table exists, found by one Spark job over the partitions
 * (only these totals come back to the driver): the vocabulary size, each word's token count (to balance the word
 * blocks), and the numbers of documents and tokens. The same job checks every vector, so bad input fails here,
 * naming the column, before the fit creates anything.
 */
public final class CorpusStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private int vocabSize = -1;
    private double[] wordTokens;
    private long docs;
    private long emptyDocs;
    private long tokens;
    private String error;

    /**
     * Counts and checks {@code corpus}.
     *
     * @param column the column's name, for error messages
     * @throws IllegalArgumentException naming {@code column} if a vector holds a negative, fractional, NaN or
     *                                  infinite count, if vectors differ in size, or if no document has a token
     */
    public static CorpusStats of(JavaRDD<Vector> corpus, String column) {
        CorpusStats s = corpus.treeAggregate(new CorpusStats(), CorpusStats::add, CorpusStats::merge);
        if (s.error != null) {
            throw new IllegalArgumentException("featuresCol: column '" + column + "' " + s.error);
        }
        if (s.tokens == 0) {
            throw new IllegalArgumentException("featuresCol: column '" + column + "' holds no tokens in "
                    + s.docs + " document(s) (expected: at least one non-zero term count)");
        }
        return s;
    }

    private CorpusStats add(Vector v) {
        if (error != null) {
            return this;
        }
        if (v == null) {
            error = "holds a null vector (expected: a term-count vector in every row)";
            return this;
        }
        if (vocabSize < 0) {
            vocabSize = v.size();
            wordTokens = new double[vocabSize];
        } else if (v.size() != vocabSize) {
            error = "holds vectors of sizes " + vocabSize + " and " + v.size()
                    + " (expected: one vocabulary, as CountVectorizer gives)";
            return this;
        }
        SparseVector sv = v.toSparse();
        int[] idx = sv.indices();
        double[] val = sv.values();
        double len = 0;
        for (int i = 0; i < idx.length; i++) {
            double c = val[i];
            if (!(c >= 0) || Double.isInfinite(c) || c != Math.rint(c)) {
                error = "holds " + c + " at index " + idx[i]
                        + " (expected: term counts, whole numbers >= 0, as CountVectorizer gives)";
                return this;
            }
            wordTokens[idx[i]] += c;
            len += c;
        }
        docs++;
        tokens += (long) len;
        if (len == 0) {
            emptyDocs++;
        }
        return this;
    }

    private CorpusStats merge(CorpusStats o) {
        if (error != null) {
            return this;
        }
        if (o.error != null) {
            return o;
        }
        if (o.vocabSize < 0) {
            return this;
        }
        if (vocabSize < 0) {
            return o;
        }
        if (o.vocabSize != vocabSize) {
            error = "holds vectors of sizes " + vocabSize + " and " + o.vocabSize
                    + " (expected: one vocabulary, as CountVectorizer gives)";
            return this;
        }
        for (int w = 0; w < vocabSize; w++) {
            wordTokens[w] += o.wordTokens[w];
        }
        docs += o.docs;
        emptyDocs += o.emptyDocs;
        tokens += o.tokens;
        return this;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Tokens of each word over the corpus; the caller must not change it. */
    public double[] wordTokens() {
        return wordTokens;
    }

    public long docs() {
        return docs;
    }

    /** Documents without a token; they are left out of training, as MLlib's LDA leaves them. */
    public long emptyDocs() {
        return emptyDocs;
    }

    public long tokens() {
        return tokens;
    }
}
