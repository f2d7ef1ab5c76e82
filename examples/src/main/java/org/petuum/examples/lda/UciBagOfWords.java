package org.petuum.examples.lda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.petuum.examples.data.InputFormatException;
import scala.Tuple2;

/**
 * The UCI "Bag of Words" format ({@code docword.*.txt[.gz]}): three header lines {@code D}, {@code W}, {@code NNZ},
 * then {@code NNZ} lines {@code docID wordID count} (1-based ids). The driver reads only the header; Spark parses the
 * entries on the executors and groups them into one term-count vector per document, so the corpus is never built in
 * the driver. Every problem is reported with the file and line, before any model is trained.
 */
public final class UciBagOfWords {
    private UciBagOfWords() {
    }

    /** The header's three numbers. */
    public record Header(int docs, int words, long entries) implements Serializable {
    }

    /** The documents as {@code (doc INT, features VECTOR)}; closing it frees the parsed entries on the executors. */
    public record Corpus(Dataset<Row> docs, Header header, JavaRDD<?> cached) implements AutoCloseable {
        @Override
        public void close() {
            cached.unpersist(false);
        }
    }

    /** One parsed entry line, or the problem with it. */
    private record Entry(long line, int doc, int word, int count, String problem) implements Serializable {
    }

    /**
     * Reads {@code file} as {@code (doc INT, features VECTOR)}, one row per document, vectors of size {@code W}.
     * The rows stay in Spark (the parsed entries persisted on the executors until the corpus is closed).
     *
     * @throws InputFormatException naming the file and line of a malformed header or entry, a word id outside the
     *                              vocabulary, an entry count that differs from the header, or an empty document
     */
    public static Corpus read(SparkSession spark, Path file) {
        Header h = header(file);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Entry> entries = jsc.textFile(file.toAbsolutePath().toUri().toString())
                .zipWithIndex()
                .filter(t -> t._2() >= 3)
                .map(t -> parse(t._1(), t._2() + 1, h))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<Entry> bad = entries.filter(e -> e.problem() != null).take(1);
        if (!bad.isEmpty()) {
            entries.unpersist();
            throw new InputFormatException(file, (int) bad.get(0).line(), bad.get(0).problem());
        }
        Tuple2<Long, BitSet> seen = entries.treeAggregate(new Tuple2<>(0L, new BitSet(h.docs() + 1)),
                (acc, e) -> {
                    acc._2().set(e.doc());
                    return new Tuple2<>(acc._1() + 1, acc._2());
                },
                (a, b) -> {
                    a._2().or(b._2());
                    return new Tuple2<>(a._1() + b._1(), a._2());
                });
        if (seen._1() != h.entries()) {
            entries.unpersist();
            throw new InputFormatException(file, 3, "the header says NNZ=" + h.entries() + " but the file has "
                    + seen._1() + " entry lines");
        }
        int missing = seen._2().nextClearBit(1);
        if (missing <= h.docs()) {
            entries.unpersist();
            throw new InputFormatException(file, 1, "document " + missing + " has no words (expected: every "
                    + "document 1.." + h.docs() + " of the header's D to have at least one entry)");
        }
        int vocab = h.words();
        JavaRDD<Row> docs = entries.mapToPair(e -> new Tuple2<>(e.doc(), new int[] {e.word() - 1, e.count()}))
                .groupByKey()
                .map(t -> {
                    Map<Integer, Integer> counts = new TreeMap<>();
                    for (int[] wc : t._2()) {
                        counts.merge(wc[0], wc[1], Integer::sum);
                    }
                    int[] idx = new int[counts.size()];
                    double[] val = new double[counts.size()];
                    int i = 0;
                    for (Map.Entry<Integer, Integer> c : counts.entrySet()) {
                        idx[i] = c.getKey();
                        val[i++] = c.getValue();
                    }
                    return RowFactory.create(t._1(), Vectors.sparse(vocab, idx, val));
                });
        StructType schema = new StructType().add("doc", DataTypes.IntegerType, false)
                .add("features", SQLDataTypes.VectorType(), false);
        return new Corpus(spark.createDataFrame(docs, schema), h, entries);
    }

    /** Reads and checks the three header lines (only they are read by the driver). */
    public static Header header(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputFormatException(file, 0, "no such file");
        }
        try (BufferedReader in = open(file)) {
            long[] v = new long[3];
            String[] names = {"D (documents)", "W (vocabulary size)", "NNZ (entry lines)"};
            for (int i = 0; i < 3; i++) {
                String line = in.readLine();
                if (line == null) {
                    throw new InputFormatException(file, i + 1, "the file ends inside its header (expected: three "
                            + "lines D, W, NNZ)");
                }
                try {
                    v[i] = Long.parseLong(line.trim());
                } catch (NumberFormatException e) {
                    throw new InputFormatException(file, i + 1, "header line '" + line + "' is not " + names[i]
                            + " (expected: one whole number)", e);
                }
                if (v[i] < 1 || (i < 2 && v[i] > Integer.MAX_VALUE)) {
                    throw new InputFormatException(file, i + 1, names[i] + " = " + v[i]
                            + " (expected: 1 .. " + Integer.MAX_VALUE + ")");
                }
            }
            return new Header((int) v[0], (int) v[1], v[2]);
        } catch (IOException e) {
            throw new InputFormatException(file, 0, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Entry parse(String line, long number, Header h) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 3) {
            return problem(number, "'" + line + "' has " + (line.isBlank() ? 0 : f.length)
                    + " field(s) (expected: docID wordID count)");
        }
        long doc;
        long word;
        long count;
        try {
            doc = Long.parseLong(f[0]);
            word = Long.parseLong(f[1]);
            count = Long.parseLong(f[2]);
        } catch (NumberFormatException e) {
            return problem(number, "'" + line + "' is not three whole numbers (expected: docID wordID count)");
        }
        if (doc < 1 || doc > h.docs()) {
            return problem(number, "document id " + doc + " is outside 1.." + h.docs() + " (the header's D)");
        }
        if (word < 1 || word > h.words()) {
            return problem(number, "word id " + word + " is outside the vocabulary 1.." + h.words()
                    + " (the header's W)");
        }
        if (count < 1 || count > Integer.MAX_VALUE) {
            return problem(number, "count " + count + " (expected: >= 1)");
        }
        return new Entry(number, (int) doc, (int) word, (int) count, null);
    }

    private static Entry problem(long line, String what) {
        return new Entry(line, 0, 0, 0, what);
    }

    /**
     * The vocabulary file: one word per line, line {@code i} naming word id {@code i}.
     *
     * @throws InputFormatException if it does not hold exactly {@code words} non-blank lines
     */
    public static String[] vocabulary(Path file, int words) {
        if (!Files.isRegularFile(file)) {
            throw new InputFormatException(file, 0, "no such file");
        }
        List<String> out = new ArrayList<>();
        try (BufferedReader in = open(file)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) {
                    throw new InputFormatException(file, out.size() + 1, "blank line (expected: one word per line)");
                }
                out.add(line.trim());
            }
        } catch (IOException e) {
            throw new InputFormatException(file, 0, "cannot read: " + e.getMessage(), e);
        }
        if (out.size() != words) {
            throw new InputFormatException(file, 0, out.size() + " words but the documents' header says W=" + words);
        }
        return out.toArray(new String[0]);
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** Word ids as names when there is no vocabulary file: {@code #1}, {@code #2} … (1-based, as in the file). */
    public static String[] numbered(int words) {
        String[] out = new String[words];
        Arrays.setAll(out, i -> "#" + (i + 1));
        return out;
    }
}
