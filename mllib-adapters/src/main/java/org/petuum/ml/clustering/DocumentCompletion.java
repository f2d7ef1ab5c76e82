package org.petuum.ml.clustering;

import java.io.Serializable;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.petuum.ml.internal.Schemas;
import org.petuum.ml.internal.lda.FoldIn;
import scala.Tuple2;

/**
 * Held-out perplexity by document completion, one measure for topic models trained any way (our sampler, MLlib's
 * online or EM LDA): MLlib's own bounds differ between its optimizers and cannot score a sampler.
 *
 * <p>Each held-out document's tokens, in word order, are dealt alternately into two halves. The document's topic
 * proportions θ are folded in from the first half with the topics fixed ({@link FoldIn}, with the same
 * {@code alpha} for every model), and the second half is scored: perplexity
 * {@code = exp(- Σ log Σ_t θ_t φ_tw / N)} over the second halves' {@code N} tokens. Documents of fewer than two
 * tokens are skipped.
 *
 * <p>Immutable; {@link #evaluate} runs one Spark job over the documents, sending only the topics to the executors.
 */
public final class DocumentCompletion implements Serializable {
    private static final long serialVersionUID = 1L;

    private final FoldIn foldIn;

    /**
     * @param topicsMatrix {@code vocabSize × k} non-negative weights, each column a topic (normalised here): our
     *                     {@link LDAModel#topicsMatrix()} or MLlib's {@code LDAModel.topicsMatrix()}
     * @param alpha        the document concentration of the fold-in, the same for every model compared (> 0)
     */
    public DocumentCompletion(Matrix topicsMatrix, double alpha) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha : " + alpha + " (expected: finite and > 0)");
        }
        int v = topicsMatrix.numRows();
        int k = topicsMatrix.numCols();
        double[][] topicWord = new double[k][v];
        for (int t = 0; t < k; t++) {
            for (int w = 0; w < v; w++) {
                double x = topicsMatrix.apply(w, t);
                if (!(x >= 0) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("topicsMatrix(" + w + ", " + t + ") : " + x
                            + " (expected: finite and >= 0)");
                }
                topicWord[t][w] = x;
            }
        }
        this.foldIn = new FoldIn(topicWord, alpha);
    }

    /** The result of one evaluation. */
    public record Result(double logLikelihood, long tokens, long documents) implements Serializable {
        /** {@code exp(-logLikelihood / tokens)}. */
        public double perplexity() {
            return Math.exp(-logLikelihood / tokens);
        }
    }

    /**
     * Scores the documents of {@code column} (term-count vectors of the topics' vocabulary).
     *
     * @throws IllegalArgumentException if the column is missing or not a vector column, or no document has two tokens
     */
    public Result evaluate(Dataset<?> documents, String column) {
        Schemas.requireVector(documents.schema(), "featuresCol", column);
        FoldIn fold = foldIn;
        Result r = documents.select(column).toJavaRDD().map((Row row) -> {
            if (row.isNullAt(0)) {
                return new Result(0, 0, 0);
            }
            return score(fold, (Vector) row.get(0));
        }).reduce((a, b) -> new Result(a.logLikelihood + b.logLikelihood, a.tokens + b.tokens,
                a.documents + b.documents));
        if (r.tokens == 0) {
            throw new IllegalArgumentException("featuresCol: column '" + column
                    + "' has no document of two tokens or more to complete");
        }
        return r;
    }

    private static Result score(FoldIn fold, Vector v) {
        if (v.size() != fold.vocabSize()) {
            throw new IllegalArgumentException("featuresCol: a vector of size " + v.size() + " (expected: "
                    + fold.vocabSize() + ", the topics' vocabulary)");
        }
        SparseVector sv = v.toSparse();
        Tuple2<double[], double[]> halves = halves(sv.values());
        double n2 = 0;
        for (double c : halves._2()) {
            n2 += c;
        }
        if (n2 == 0) {
            return new Result(0, 0, 0);
        }
        double[] theta = fold.theta(sv.indices(), halves._1());
        return new Result(fold.logLikelihood(sv.indices(), halves._2(), theta), (long) n2, 1);
    }

    /**
     * Deals the tokens, in word order, alternately to the first and the second half: the first token of the
     * document goes to the first half. Returns the two halves' counts per word.
     */
    static Tuple2<double[], double[]> halves(double[] counts) {
        double[] first = new double[counts.length];
        double[] second = new double[counts.length];
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            long c = Math.round(counts[i]);
            long toFirst = (seen % 2 == 0) ? (c + 1) / 2 : c / 2;
            first[i] = toFirst;
            second[i] = c - toFirst;
            seen += c;
        }
        return new Tuple2<>(first, second);
    }
}
