package org.petuum.examples.lda;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.petuum.examples.data.InputFormatException;

/**
 * Raw text as term-count vectors through Spark's own feature stages: every file of a folder (or of a
 * {@code .tar.gz}, unpacked into a temporary folder first) is one document, read by Spark on the executors,
 * lower-cased and cut into words of three letters or more ({@code RegexTokenizer}), stripped of English stop words
 * ({@code StopWordsRemover}) and counted over a vocabulary of the most frequent words in at least two documents
 * ({@code CountVectorizer}).
 */
public final class TextCorpus {
    private TextCorpus() {
    }

    /** The documents as {@code (features VECTOR)} and the vocabulary, word {@code i} at index {@code i}. */
    public record Result(Dataset<Row> docs, String[] vocabulary, long documents) {
    }

    public static Result read(SparkSession spark, Path input, int vocabSize, Path scratch) {
        Path dir = input;
        if (!Files.exists(input)) {
            throw new InputFormatException(input, 0, "no such file or folder");
        }
        if (input.toString().endsWith(".tar.gz") || input.toString().endsWith(".tgz")) {
            dir = untar(input, scratch);
        } else if (!Files.isDirectory(input)) {
            throw new InputFormatException(input, 0, "not a folder or .tar.gz of text files");
        }
        Dataset<Row> text = spark.read().option("wholetext", true).text(dir.toAbsolutePath().toUri().toString());
        Dataset<Row> words = new RegexTokenizer().setInputCol("value").setOutputCol("tokens").setPattern("[^\\p{L}]+")
                .setMinTokenLength(3).transform(text);
        Dataset<Row> kept = new StopWordsRemover().setInputCol("tokens").setOutputCol("words").transform(words);
        CountVectorizerModel cv = new CountVectorizer().setInputCol("words").setOutputCol("features")
                .setVocabSize(vocabSize).setMinDF(2).fit(kept);
        Dataset<Row> docs = cv.transform(kept).select("features");
        long n = docs.count();
        if (n == 0 || cv.vocabulary().length == 0) {
            throw new InputFormatException(input, 0, n + " document(s) and " + cv.vocabulary().length
                    + " words in two or more of them (expected: text files sharing words)");
        }
        return new Result(docs, cv.vocabulary(), n);
    }

    /** Unpacks the regular files of a tar.gz (ustar headers; no links) into {@code target}. */
    private static Path untar(Path archive, Path target) {
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive)))) {
            Files.createDirectories(target);
            byte[] header = new byte[512];
            int files = 0;
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, StandardCharsets.US_ASCII).trim()
                        .replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII)
                        .replace("\0", "").trim(), 8);
                byte type = header[156];
                long padded = (size + 511) / 512 * 512;
                if ((type == '0' || type == 0) && !name.endsWith("/")) {
                    String base = Path.of(name).getFileName().toString();
                    Files.copy(new BoundedStream(in, size), target.resolve(base), StandardCopyOption.REPLACE_EXISTING);
                    in.skipNBytes(padded - size);
                    files++;
                } else {
                    in.skipNBytes(padded);
                }
            }
            if (files == 0) {
                throw new InputFormatException(archive, 0, "no files in the archive");
            }
            return target;
        } catch (IOException | NumberFormatException e) {
            throw new InputFormatException(archive, 0, "not a readable .tar.gz: " + e.getMessage(), e);
        }
    }

    /** The next {@code size} bytes of a stream, without closing it. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
