package org.petuum.examples.lda;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.petuum.examples.report.ConsoleProgress;
import org.petuum.ml.clustering.LDA;
import org.petuum.ml.clustering.LDAModel;
import org.petuum.ps.PetuumPlugin;
import org.petuum.ps.PsContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code petuum lda}: topic models by collapsed Gibbs sampling with STRADS word-block rotation. */
@Command(name = "lda", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Latent Dirichlet allocation by collapsed Gibbs sampling (SparseLDA) on the parameter server: "
                + "the vocabulary is cut into one block per worker, balanced by tokens, and the blocks rotate among "
                + "the workers round by round (STRADS), or every worker samples everything under SSP (--schedule "
                + "none). Input: the UCI bag-of-words format (--input docword.txt[.gz]: D, W, NNZ, then 'docID "
                + "wordID count'), or raw text (--text FOLDER or .tar.gz, one document per file)."})
public final class LdaCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE",
            description = "UCI bag-of-words file (docword.*.txt), gzip if the name ends in .gz.")
    Path input;

    @Option(names = "--vocab", paramLabel = "FILE",
            description = "With --input: one word per line, line i naming word id i (default: words shown as #id).")
    Path vocab;

    @Option(names = "--text", paramLabel = "PATH", description = "Instead of --input: raw text, one document per "
            + "file of a folder or of a .tar.gz, through Spark's RegexTokenizer, StopWordsRemover and CountVectorizer.")
    Path text;

    @Option(names = "--vocab-size", defaultValue = "5000",
            description = "With --text: the most frequent words kept (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--k", defaultValue = "20", description = "Topics, >= 2 (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--passes", defaultValue = "100", description = "Passes over the corpus (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--alpha", defaultValue = "-1",
            description = "Document concentration, > 0, or -1 for 50/k (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--beta", defaultValue = "-1",
            description = "Topic concentration, > 0, or -1 for 0.01 (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--schedule", defaultValue = "rotation",
            description = "rotation (STRADS) or none (data-parallel under SSP) (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--staleness", defaultValue = "1",
            description = "SSP staleness of the topic totals (and word rows with --schedule none) (default: ${DEFAULT-VALUE}).")
    int staleness;

    @Option(names = "--workers", defaultValue = "0", paramLabel = "N",
            description = "Workers (default: every task slot of the cluster).")
    int workers;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--top-words", defaultValue = "10", description = "Words shown per topic (default: ${DEFAULT-VALUE}).")
    int topWords;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--output", defaultValue = "lda-model", paramLabel = "DIR",
            description = "Folder for the model, topics.txt, convergence.csv and convergence.png "
                    + "(default: ${DEFAULT-VALUE}); must not exist.")
    Path output;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        // The estimator's validators check these too, but by its own names; the user typed the options.
        if (k < 2) {
            throw new IllegalArgumentException("--k : " + k + " (expected: >= 2)");
        }
        if (passes < 1) {
            throw new IllegalArgumentException("--passes : " + passes + " (expected: >= 1)");
        }
        if (alpha != -1 && !(alpha > 0 && Double.isFinite(alpha))) {
            throw new IllegalArgumentException("--alpha : " + alpha + " (expected: > 0, or -1 for automatic)");
        }
        if (beta != -1 && !(beta > 0 && Double.isFinite(beta))) {
            throw new IllegalArgumentException("--beta : " + beta + " (expected: > 0, or -1 for automatic)");
        }
        if (!schedule.equals("rotation") && !schedule.equals("none")) {
            throw new IllegalArgumentException("--schedule : " + schedule + " (expected: rotation or none)");
        }
        if (staleness < 0 || workers < 0 || topWords < 1) {
            throw new IllegalArgumentException("--staleness : " + staleness + ", --workers : " + workers
                    + ", --top-words : " + topWords + " (expected: >= 0, >= 0, >= 1)");
        }
        if (Files.exists(output)) {
            throw new IllegalArgumentException("--output : " + output + " exists (expected: a new folder)");
        }
        if ((input == null) == (text == null)) {
            throw new IllegalArgumentException("--input, --text : " + (input == null ? "neither" : "both")
                    + " given (expected: one of them)");
        }
        if (text != null && (vocab != null || vocabSize < 1)) {
            throw new IllegalArgumentException("--text : takes --vocab-size >= 1 and no --vocab");
        }
        UciBagOfWords.Header header = input == null ? null : UciBagOfWords.header(input);
        String[] uciWords = input == null ? null : vocab != null ? UciBagOfWords.vocabulary(vocab, header.words())
                : UciBagOfWords.numbered(header.words());

        SparkSession spark = PetuumPlugin.sessionBuilder("petuum lda", master).getOrCreate();
        Path scratch = Files.createTempDirectory("petuum-lda-text");
        UciBagOfWords.Corpus uci = null;
        try {
            Dataset<Row> docs;
            String[] words;
            if (input != null) {
                uci = UciBagOfWords.read(spark, input);
                docs = uci.docs();
                words = uciWords;
                out.printf(Locale.ROOT, "read %,d documents, %,d words, %,d entries from %s%n", header.docs(),
                        header.words(), header.entries(), input);
            } else {
                TextCorpus.Result t = TextCorpus.read(spark, text, vocabSize, scratch);
                docs = t.docs();
                words = t.vocabulary();
                out.printf(Locale.ROOT, "read %,d documents from %s; vocabulary %,d words%n", t.documents(), text,
                        words.length);
            }
            // The run's clocks show on one line that a terminal rewrites in place; each pass's summary stays.
            ConsoleProgress progress = ConsoleProgress.forStdout(out);
            LDA lda = new LDA().setK(k).setMaxIter(passes).setDocConcentration(alpha).setTopicConcentration(beta)
                    .setSchedule(schedule).setStaleness(staleness).setNumWorkers(workers).setSeed(seed)
                    .onPass(p -> progress.println(LdaReport.progressLine(p, passes)));
            out.printf(Locale.ROOT, "training %d topics, %d passes, schedule %s%n", k, passes, schedule);
            PsContext ps = PsContext.get(spark);
            ps.addProgressListener(progress);
            LDAModel model;
            try {
                model = lda.fit(docs);
            } finally {
                ps.removeProgressListener(progress);
                progress.finish();
            }
            out.printf(Locale.ROOT, "%,d tokens; alpha %.4g, beta %.4g%n", model.trainingTokens(), model.alpha(),
                    model.beta());
            StringBuilder topics = new StringBuilder();
            List<Row> described = model.describeTopics(topWords).orderBy("topic").collectAsList();
            for (Row r : described) {
                List<Integer> idx = r.getList(1);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "topic %3d:", r.getInt(0)));
                for (int w : idx) {
                    line.append(' ').append(words[w]);
                }
                topics.append(line).append('\n');
                out.println(line);
            }
            Files.createDirectories(output);
            try {
                model.write().save(output.resolve("model").toUri().toString());
                Files.writeString(output.resolve("topics.txt"), topics);
                LdaReport.writeCsv(model.trainingTrace(), output.resolve("convergence.csv"));
                LdaReport.writePng(model.trainingTrace(), output.resolve("convergence.png"),
                        "LDA, " + k + " topics, " + schedule + " (" + (input != null ? input : text).getFileName() + ")");
            } catch (IOException | RuntimeException e) {
                deleteTree(output); // a failed run leaves no half-written output behind
                throw e;
            }
            out.println("model, topics.txt, convergence.csv and convergence.png written to " + output);
            return 0;
        } finally {
            if (uci != null) {
                uci.close();
            }
            spark.stop();
            deleteTree(scratch);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
