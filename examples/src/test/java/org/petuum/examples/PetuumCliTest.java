package org.petuum.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** The exit codes and messages of the {@code petuum} command line itself, before any subcommand does work. */
class PetuumCliTest {

    private record Run(int exitCode, String out, String err) {
        String describe() {
            return "exitCode=" + exitCode + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
        }
    }

    private static Run petuum(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PetuumCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void noSubcommandIsBadUsageThatSuggestsMf() {
        Run run = petuum();

        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("missing subcommand (try: petuum mf --help)"), run::describe);
    }

    @Test
    void unknownSubcommandIsBadUsageNamingIt() {
        Run run = petuum("factorise");

        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("factorise"), run::describe);
    }

    @Test
    void versionIsPrintedWithExitCodeZero() {
        Run run = petuum("--version");

        assertEquals(0, run.exitCode(), run::describe);
        assertEquals("petuum 0.1.0", run.out().strip());
    }

    @Test
    void mfHelpListsTheOptionsWithTheirDefaults() {
        Run run = petuum("mf", "--help");

        assertEquals(0, run.exitCode(), run::describe);
        for (String option : new String[] {"--input=FILE", "--output=DIR", "--master=URL", "--workers=N",
            "--test-fraction", "--test=FILE", "--schedule", "--gen-noise"}) {
            assertTrue(run.out().contains(option), () -> option + " missing; " + run.describe());
        }
        assertTrue(run.out().contains("Factors per user and item (default: 10)."), run::describe);
        assertTrue(run.out().contains("SSP staleness of the item table; 0 is BSP"), run::describe);
    }

    @Test
    void optionValueOfTheWrongTypeIsBadUsageNamingTheOptionAndValue() {
        Run run = petuum("mf", "--rank", "ten");

        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("--rank"), run::describe);
        assertTrue(run.err().contains("'ten'"), run::describe);
    }

    @Test
    void unknownOptionIsBadUsageNamingIt() {
        Run run = petuum("mf", "--ranks", "3");

        assertEquals(2, run.exitCode(), run::describe);
        assertTrue(run.err().contains("--ranks"), run::describe);
    }

    @Test
    void failureIsDescribedAsOneLineWithTheMessagesOfItsCauses() {
        IOException root = new IOException("disk full");
        RuntimeException failure = new IllegalStateException("could not write the model",
                new UncheckedIOException("writing item-factors: disk full", root));

        assertEquals("could not write the model: writing item-factors: disk full", PetuumCli.describe(failure));
    }

    @Test
    void failureWithoutMessageIsDescribedByItsType() {
        assertEquals("java.lang.NullPointerException", PetuumCli.describe(new NullPointerException()));
    }
}
