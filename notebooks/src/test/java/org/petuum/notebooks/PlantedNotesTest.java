package org.petuum.notebooks;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runner fails on broken notes, naming the note, the paragraph (index and title) and what went wrong. The
 * planted notes live under test resources, outside the notes folder, so that only this test runs them.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PlantedNotesTest {

    private static Note planted(String file) {
        return Note.read(Notebooks.plantedDir().resolve("planted").resolve(file));
    }

    private static String failure(String file) {
        return assertThrows(NoteFailedException.class, () -> Notebooks.runner().run(planted(file))).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected \"" + part + "\" in:\n" + message);
        }
    }

    @Test
    void aParagraphThatDoesNotCompileFailsTheNoteNamingItAndTheCompilerError() {
        assertContains(failure("does-not-compile_2PLANTED1.zpln"),
                "note \"planted/does-not-compile\" (does-not-compile_2PLANTED1.zpln)",
                "paragraph 3 \"Call a method that does not exist\" (%spark) failed",
                "value noSuchMethod is not a member of Int");
    }

    @Test
    void aParagraphWhoseSparkJobFailsFailsTheNoteWithTheTaskError() {
        assertContains(failure("throws_2PLANTED2.zpln"),
                "note \"planted/throws\"",
                "paragraph 1 \"A job whose tasks fail\" (%spark) failed",
                "java.lang.IllegalStateException: planted failure in a task");
    }

    @Test
    void aConfParagraphWithoutTheLibraryJarFailsBeforeSparkStarts() {
        assertContains(failure("no-jars_2PLANTED3.zpln"),
                "note \"planted/no-jars\"",
                "paragraph 0 \"Forget the jar\" (%spark.conf) sets no spark.jars");
    }
}
