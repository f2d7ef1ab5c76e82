package org.petuum.bench.lda;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.petuum.bench.BenchSession;
import org.petuum.bench.RunFacts;
import org.petuum.examples.lda.TextCorpus;
import org.petuum.examples.lda.UciBagOfWords;
import org.petuum.ml.clustering.DocumentCompletion;
import org.petuum.ps.PsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench lda}: our LDA (rotation and data-parallel) against Spark MLlib's online LDA, in one Spark session,
 * all scored by one held-out measure ({@link DocumentCompletion}, the same fold-in alpha for every model), on UCI
 * KOS, on the State of the Union speeches (raw text through the same Spark feature stages as {@code petuum lda
 * --text}) and on a corpus generated from known topics inside the executors ({@link GeneratedCorpus}). Each system
 * is fitted for a ladder of lengths (passes or mini-batch iterations), each fit from scratch and timed whole (data
 * preparation inside the fit included); the time to reach a perplexity is that of the shortest fit that reaches it.
 * On the generated corpus the ladder runs at {@code --compare-tokens}, where MLlib finishes, and ours alone is then
 * fitted on corpora of {@code --tokens} tokens to show how time per pass and memory grow.
 */
@Command(name = "lda", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"LDA by Gibbs sampling with word-block rotation (and data-parallel) against Spark MLlib "
                + "online LDA, side by side in one Spark session, on KOS, SOTU and a corpus generated in the "
                + "executors: time to reach MLlib's best held-out document-completion perplexity, tokens sampled "
                + "per second per worker, word-topic table memory."})
public final class LdaBenchCommand implements Callable<Integer> {

    /** The corpora the benchmark knows. */
    enum Corpus { kos, sotu, generated }

    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", split = ",", defaultValue = "kos",
            description = "Corpora, any of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    List<Corpus> corpora;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "../shared/data",
            description = "Folder holding uci-kos/docword.kos.txt.gz and sotu/sotu-1790-2021.tar.gz "
                    + "(default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--k", split = ",", defaultValue = "20",
            description = "Topic counts for KOS and SOTU (default: ${DEFAULT-VALUE}).")
    List<Integer> ks;

    @Option(names = "--passes", split = ",", defaultValue = "5,10,20,40,80",
            description = "Our fits' lengths in passes (default: ${DEFAULT-VALUE}).")
    List<Integer> passes;

    @Option(names = "--mllib-iterations", split = ",", defaultValue = "25,50,100,200",
            description = "MLlib online LDA's fits' lengths in mini-batch iterations (default: ${DEFAULT-VALUE}).")
    List<Integer> mllibIterations;

    @Option(names = "--sotu-vocab-size", defaultValue = "5000",
            description = "SOTU: the most frequent words kept, as petuum lda --text (default: ${DEFAULT-VALUE}).")
    int sotuVocabSize;

    @Option(names = "--generated-k", defaultValue = "50",
            description = "Generated corpus: its true topics, also the k of every fit on it (default: ${DEFAULT-VALUE}).")
    int generatedK;

    @Option(names = "--generated-vocab", defaultValue = "10000",
            description = "Generated corpus: vocabulary size (default: ${DEFAULT-VALUE}).")
    int generatedVocab;

    @Option(names = "--generated-doc-length", defaultValue = "200",
            description = "Generated corpus: tokens per document (default: ${DEFAULT-VALUE}).")
    int generatedDocLength;

    @Option(names = "--compare-tokens", defaultValue = "1M", converter = TokenCount.class,
            description = "Generated corpus: size of the side-by-side ladder with MLlib (default: ${DEFAULT-VALUE}).")
    long compareTokens;

    @Option(names = "--tokens", split = ",", defaultValue = "5M,20M,50M", converter = TokenCount.class,
            description = "Generated corpus: sizes of ours alone, e.g. 50M or 500K (default: ${DEFAULT-VALUE}).")
    List<Long> tokens;

    @Option(names = "--scaling-passes", defaultValue = "5",
            description = "Generated corpus: passes of each of ours alone (default: ${DEFAULT-VALUE}).")
    int scalingPasses;

    @Option(names = "--eval-alpha", defaultValue = "0.1",
            description = "Document concentration of the held-out fold-in, for every model (default: ${DEFAULT-VALUE}).")
    double evalAlpha;

    @Option(names = "--holdout", defaultValue = "0.1",
            description = "Fraction of documents held out for evaluation (default: ${DEFAULT-VALUE}).")
    double holdout;

    @Option(names = "--workers", defaultValue = "0", description = "Our workers (default: every task slot).")
    int workers;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the split and of every fit (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    /** Parses a positive token count with an optional K or M suffix (thousands, millions). */
    static final class TokenCount implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toUpperCase(Locale.ROOT);
            long unit = v.endsWith("M") ? 1_000_000 : v.endsWith("K") ? 1_000 : 1;
            String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
            long n;
            try {
                n = Math.multiplyExact(Long.parseLong(digits), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("'" + value + "' (expected: a positive whole number of tokens, "
                        + "optionally with K or M, e.g. 50M)", e);
            }
            if (n < 1) {
                throw new IllegalArgumentException("'" + value + "' (expected: >= 1 token)");
            }
            return n;
        }
    }

    /** Checks the options that picocli's types do not, before any Spark session exists. */
    void validate() {
        check(holdout > 0 && holdout < 1, "--holdout", holdout, "0 < value < 1");
        check(ks.stream().allMatch(k -> k >= 2), "--k", ks, "every k >= 2");
        check(passes.stream().allMatch(p -> p >= 1), "--passes", passes, "every value >= 1");
        check(mllibIterations.stream().allMatch(i -> i >= 1), "--mllib-iterations", mllibIterations,
                "every value >= 1");
        check(sotuVocabSize >= 2, "--sotu-vocab-size", sotuVocabSize, ">= 2");
        check(generatedK >= GeneratedCorpus.TOPICS_PER_DOC, "--generated-k", generatedK,
                ">= " + GeneratedCorpus.TOPICS_PER_DOC);
        check(generatedVocab >= 2, "--generated-vocab", generatedVocab, ">= 2");
        check(generatedDocLength >= 1, "--generated-doc-length", generatedDocLength, ">= 1");
        check(scalingPasses >= 1, "--scaling-passes", scalingPasses, ">= 1");
        check(workers >= 0, "--workers", workers, ">= 0 (0: every task slot)");
    }

    private void check(boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), option + " : " + value + " (expected: " + expected + ")");
        }
    }

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        out.println("# " + RunFacts.commandLine(spec));
        out.println("# " + RunFacts.now() + ", " + RunFacts.jvm() + ", load " + RunFacts.loadAverage());
        out.flush();
        SparkSession spark = BenchSession.create("bench lda", master);
        try {
            int w = workers > 0 ? workers : PsContext.get(spark).taskSlots();
            LdaFits fits = new LdaFits(out, w, seed, evalAlpha);
            for (Corpus c : corpora) {
                switch (c) {
                    case kos -> kos(spark, out, fits, w);
                    case sotu -> sotu(spark, out, fits, w);
                    case generated -> generated(spark, out, fits, w);
                    default -> throw new IllegalStateException("unknown corpus " + c);
                }
                out.println("# after " + c + ": " + RunFacts.now() + ", load " + RunFacts.loadAverage());
                out.flush();
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    private void kos(SparkSession spark, PrintWriter out, LdaFits fits, int w) {
        try (UciBagOfWords.Corpus corpus = UciBagOfWords.read(spark, dataDir.resolve("uci-kos/docword.kos.txt.gz"))) {
            ladders(out, fits, w, "KOS", corpus.docs(), corpus.header().words());
        }
    }

    private void sotu(SparkSession spark, PrintWriter out, LdaFits fits, int w) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("bench-lda-sotu");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            TextCorpus.Result text = TextCorpus.read(spark, dataDir.resolve("sotu/sotu-1790-2021.tar.gz"),
                    sotuVocabSize, scratch);
            ladders(out, fits, w, "SOTU", text.docs(), text.vocabulary().length);
        } finally {
            deleteTree(scratch);
        }
    }

    private void ladders(PrintWriter out, LdaFits fits, int w, String name, Dataset<Row> docs, int vocab) {
        Dataset<Row>[] split = docs.randomSplit(new double[] {1 - holdout, holdout}, seed);
        Dataset<Row> train = split[0].cache();
        Dataset<Row> test = split[1].cache();
        try {
            out.printf(Locale.ROOT, "# %s: %,d training and %,d held-out documents, vocabulary %,d; %d worker(s); "
                    + "held-out perplexity by document completion, fold-in alpha %.3g%n", name, train.count(),
                    test.count(), vocab, w, evalAlpha);
            for (int k : ks) {
                fits.ladder(name, k, mllibIterations, passes, train, test);
            }
        } finally {
            train.unpersist();
            test.unpersist();
        }
    }

    private void generated(SparkSession spark, PrintWriter out, LdaFits fits, int w) {
        GeneratedCorpus corpus = new GeneratedCorpus(generatedVocab, generatedK, generatedDocLength, seed);
        long compareDocs = corpus.docsFor(compareTokens);
        long testDocs = Math.max(100, Math.round(compareDocs * holdout));
        // Held-out documents are numbered after every training set's, so none is also trained on.
        long largest = Math.max(compareDocs, tokens.stream().mapToLong(corpus::docsFor).max().orElse(0));
        Dataset<Row> test = corpus.documents(spark, largest, testDocs, w).cache();
        Dataset<Row> train = corpus.documents(spark, 0, compareDocs, w).cache();
        try {
            out.printf(Locale.ROOT, "# %s; generated in %d task(s), never on the driver%n", corpus, w);
            out.printf(Locale.ROOT, "# ladder: %,d training documents (%,d tokens), %,d held-out documents; "
                    + "%d worker(s); fold-in alpha %.3g%n", train.count(), compareDocs * generatedDocLength,
                    test.count(), w, evalAlpha);
            fits.ladder("generated", generatedK, mllibIterations, passes, train, test);
        } finally {
            train.unpersist();
        }
        try {
            fits.scaling("generated", generatedK, scalingPasses, tokens, new LdaFits.SizedCorpus() {
                @Override
                public long docsFor(long n) {
                    return corpus.docsFor(n);
                }

                @Override
                public int docLength() {
                    return corpus.docLength();
                }

                @Override
                public Dataset<Row> documents(long docs) {
                    return corpus.documents(spark, 0, docs, w); // not cached: regenerated by each job that reads it
                }
            }, test);
        } finally {
            test.unpersist();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
