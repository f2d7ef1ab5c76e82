package org.petuum.examples.lda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.examples.PetuumCli;

/**
 * {@code petuum lda} from the command line: it trains on the UCI bag-of-words format and writes its report, and it
 * refuses bad input naming the file and line (or the option) before any table exists. Checks that must fail before
 * Spark starts use a master URL Spark cannot parse, so that starting Spark first would fail differently.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LdaCommandTest {
    private static final String[] NO_SPARK = {"--master", "no-such-master://here"};
    private static final String[] LOCAL_SPARK = {"--master", "local[2]"};
    /** Three documents over a vocabulary of four words. */
    private static final String GOOD = "3\n4\n5\n1 1 2\n1 2 1\n2 3 4\n3 4 1\n3 1 1\n";

    @TempDir
    Path tmp;

    record Run(int exitCode, String out, String err) {
        String describe() {
            return "exitCode=" + exitCode + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
        }
    }

    private static Run lda(String[] spark, String... args) {
        String[] all = new String[args.length + spark.length + 1];
        all[0] = "lda";
        System.arraycopy(spark, 0, all, 1, spark.length);
        System.arraycopy(args, 0, all, 1 + spark.length, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = PetuumCli.execute(all, o, e);
        }
        return new Run(code, out.toString(), err.toString());
    }

    private Path file(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private void assertFails(String[] spark, String content, String expected, String... extra) throws IOException {
        Path input = file("docword-" + Integer.toHexString(content.hashCode()) + ".txt", content);
        String[] args = new String[extra.length + 4];
        args[0] = "--input";
        args[1] = input.toString();
        args[2] = "--output";
        args[3] = tmp.resolve("out").toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        Run run = lda(spark, args);
        assertTrue(run.exitCode() != 0, run::describe);
        assertTrue(run.err().contains(expected.replace("FILE", input.toString())),
                () -> "expected '" + expected + "'; " + run.describe());
        assertFalse(Files.exists(tmp.resolve("out")), "no output folder after a failed run");
    }

    @Test
    void malformedHeaderFailsNamingFileAndLineBeforeSparkStarts() throws IOException {
        assertFails(NO_SPARK, "3\nfour\n5\n", "FILE:2: header line 'four' is not W (vocabulary size)");
        assertFails(NO_SPARK, "3\n4\n", "FILE:3: the file ends inside its header");
        assertFails(NO_SPARK, "0\n4\n5\n", "FILE:1: D (documents) = 0");
        assertFails(NO_SPARK, GOOD, "--k : 1 (expected: >= 2)", "--k", "1");
    }

    @Test
    void badEntriesFailNamingFileAndLine() throws IOException {
        assertFails(LOCAL_SPARK, "3\n4\n5\n1 1 2\n1 2\n2 3 4\n3 4 1\n3 1 1\n",
                "FILE:5: '1 2' has 2 field(s) (expected: docID wordID count)");
        assertFails(LOCAL_SPARK, "3\n4\n5\n1 1 2\n1 2 1\n2 9 4\n3 4 1\n3 1 1\n",
                "FILE:6: word id 9 is outside the vocabulary 1..4");
        assertFails(LOCAL_SPARK, "3\n4\n5\n1 1 2\n1 2 x\n2 3 4\n3 4 1\n3 1 1\n",
                "FILE:5: '1 2 x' is not three whole numbers");
        assertFails(LOCAL_SPARK, "3\n4\n6\n1 1 2\n1 2 1\n2 3 4\n3 4 1\n3 1 1\n",
                "FILE:3: the header says NNZ=6 but the file has 5 entry lines");
        assertFails(LOCAL_SPARK, "3\n4\n4\n1 1 2\n1 2 1\n3 4 1\n3 1 1\n",
                "FILE:1: document 2 has no words");
    }

    @Test
    void vocabularyOfTheWrongSizeFailsNamingTheFile() throws IOException {
        Path vocab = file("vocab.txt", "a\nb\nc\n");
        assertFails(NO_SPARK, GOOD, vocab + ": 3 words but the documents' header says W=4", "--vocab",
                vocab.toString());
    }

    @Test
    void rawTextGoesThroughSparksFeatureStages() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("speeches"));
        String[] texts = {
            "The army and the navy defend the nation; the navy sails, the army marches.",
            "Taxes and tariffs fill the treasury; the treasury pays the debt with taxes.",
            "The navy needs ships and the army needs soldiers to defend the nation.",
            "Tariffs raise revenue for the treasury and taxes reduce the public debt."};
        for (int i = 0; i < texts.length; i++) {
            Files.writeString(dir.resolve("speech" + i + ".txt"), texts[i]);
        }
        Path out = tmp.resolve("text-out");
        Run run = lda(LOCAL_SPARK, "--text", dir.toString(), "--k", "2", "--passes", "3", "--output", out.toString());
        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.out().contains("read 4 documents from " + dir), run::describe);
        assertEquals(2, run.out().lines().filter(l -> l.startsWith("topic ")).count(), run::describe);
        assertFalse(run.out().lines().filter(l -> l.startsWith("topic ")).anyMatch(l -> l.contains(" the ")),
                "stop words are removed; " + run.describe());
    }

    @Test
    void inputAndTextAreExclusive() throws IOException {
        Run run = lda(NO_SPARK, "--k", "3");
        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("--input, --text : neither given (expected: one of them)"), run::describe);
    }

    @Test
    void trainsOnKosAndWritesTopicsAndConvergence() throws IOException {
        Path kos = Paths.get(System.getProperty("petuum.data.dir", "../../shared/data"))
                .resolve("uci-kos/docword.kos.txt.gz");
        assumeTrue(Files.exists(kos), "data set not found (skipping): " + kos.toAbsolutePath());
        Path out = tmp.resolve("kos");
        Run run = lda(LOCAL_SPARK, "--input", kos.toString(), "--k", "8", "--passes", "5", "--output", out.toString());
        assertEquals(0, run.exitCode(), run::describe);
        assertTrue(run.out().contains("read 3,430 documents, 6,906 words, 353,160 entries"), run::describe);
        assertEquals(5, run.out().lines().filter(l -> l.startsWith("pass ")).count(), run::describe);
        assertEquals(8, run.out().lines().filter(l -> l.startsWith("topic ")).count(), run::describe);
        assertTrue(run.out().contains("467,714 tokens"), run::describe);
        List<String> csv = Files.readAllLines(out.resolve("convergence.csv"));
        assertEquals(LdaReport.CSV_HEADER, csv.get(0));
        assertEquals(6, csv.size());
        assertTrue(Files.size(out.resolve("convergence.png")) > 1000);
        assertTrue(Files.exists(out.resolve("model/metadata")));
        assertEquals(8, Files.readAllLines(out.resolve("topics.txt")).size());
    }
}
