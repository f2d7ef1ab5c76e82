package org.petuum.notebooks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/** Where the tests find the notes and the data, and how long a note may take; set by the build (see the pom). */
final class Notebooks {
    private Notebooks() {
    }

    /** The module's notes folder, {@code notebooks/notes}. */
    static Path notesDir() {
        return Paths.get(System.getProperty("petuum.notebooks.dir", "notes"));
    }

    /** The planted notes that must fail, kept out of the notes folder. */
    static Path plantedDir() {
        return Paths.get(System.getProperty("petuum.notebooks.planted", "src/test/resources/planted"));
    }

    /**
     * The data folder the notes read through their {@code dataDir} variable (system property
     * {@code petuum.data.dir}); the calling test is skipped, saying so, when it is absent.
     */
    static Path requireData() {
        Path dir = Paths.get(System.getProperty("petuum.data.dir", "../../shared/data"));
        Assumptions.assumeTrue(Files.isDirectory(dir), "the data folder " + dir + " is absent; notes not run");
        return dir;
    }

    /**
     * How long one note may run: {@code petuum.notebooks.timeout} seconds, 300 by default. A note takes seconds on
     * an idle machine, but the REPL's first compile is slow on a shared one.
     */
    static NoteRunner runner() {
        return new NoteRunner(Duration.ofSeconds(Long.getLong("petuum.notebooks.timeout", 300)));
    }
}
