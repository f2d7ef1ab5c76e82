package org.petuum.bench.lda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code bench lda}'s options: what it accepts, and that what it rejects is rejected before Spark starts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LdaBenchOptionsTest {

    /** Runs the command; a bad option must fail in parsing or validation, before any Spark session exists. */
    private static String rejected(String... args) {
        return rejectedBy(new LdaBenchCommand(), args);
    }

    private static String rejectedBy(Object command, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int code = cli.execute(args);
        assertEquals(2, code, "exit code of a usage error; stderr: " + err);
        return err.toString();
    }

    @Test
    void corporaTokenCountsAndDefaultsParse() {
        LdaBenchCommand c = new LdaBenchCommand();
        new CommandLine(c).parseArgs("--corpus", "kos,sotu,generated", "--tokens", "5M,500k,1234");
        assertEquals(List.of(LdaBenchCommand.Corpus.kos, LdaBenchCommand.Corpus.sotu,
                LdaBenchCommand.Corpus.generated), c.corpora);
        assertEquals(List.of(5_000_000L, 500_000L, 1234L), c.tokens);
        assertEquals(1_000_000L, c.compareTokens);
        c.validate();

        LdaBenchCommand d = new LdaBenchCommand();
        new CommandLine(d).parseArgs();
        assertEquals(List.of(LdaBenchCommand.Corpus.kos), d.corpora);
        assertEquals(List.of(5_000_000L, 20_000_000L, 50_000_000L), d.tokens);
    }

    @Test
    void badOptionsNameTheOption() {
        assertTrue(rejected("--corpus", "kos,nytimes").contains("--corpus"));
        String tokens = rejected("--tokens", "5X");
        assertTrue(tokens.contains("--tokens") && tokens.contains("expected"), tokens);
        assertTrue(rejected("--tokens", "0").contains("--tokens"));
        assertTrue(rejected("--compare-tokens", "-3M").contains("--compare-tokens"));
        assertTrue(rejected("--tokens", "99999999999999M").contains("--tokens"), "overflow");
        assertTrue(rejected("--holdout", "1.5").contains("--holdout : 1.5 (expected: 0 < value < 1)"));
        assertTrue(rejected("--k", "20,1").contains("--k"));
        assertTrue(rejected("--generated-k", "2").contains("--generated-k : 2"));
        assertTrue(rejected("--scaling-passes", "0").contains("--scaling-passes"));
        assertTrue(rejected("--passes", "10,0").contains("--passes"));
        assertTrue(rejectedBy(new LdaSamplerCommand(), "--passes", "1").contains("--passes : 1 (expected: >= 2)"));
        assertTrue(rejectedBy(new LdaSamplerCommand(), "--k", "1").contains("--k"));
    }

    @Test
    void tokenCountsNeedAPositiveNumber() {
        LdaBenchCommand.TokenCount parse = new LdaBenchCommand.TokenCount();
        assertEquals(50_000_000L, parse.convert("50M"));
        assertEquals(2_000L, parse.convert("2K"));
        assertThrows(IllegalArgumentException.class, () -> parse.convert("M"));
        assertThrows(IllegalArgumentException.class, () -> parse.convert("1.5M"));
    }
}
