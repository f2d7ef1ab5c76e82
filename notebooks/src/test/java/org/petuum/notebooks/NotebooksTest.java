package org.petuum.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every note of {@code notebooks/notes} as Zeppelin's Spark interpreter would, paragraph by paragraph, each
 * note in a fresh REPL and Spark session, and checks that every chart a paragraph declares plots columns its table
 * has. A new note is picked up by being there: one test per note.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NotebooksTest {

    @TestFactory
    Stream<DynamicTest> everyNoteRunsAndItsChartsPlotColumnsItsTablesHave() {
        NoteRunner runner = Notebooks.runner();
        return Note.discover(Notebooks.notesDir()).stream().map(note -> DynamicTest.dynamicTest(note.name(), () -> {
            Notebooks.requireData();
            long start = System.nanoTime();
            long cpuStart = cpuMillis();
            List<ParagraphOutput> outputs = runner.run(note);
            // CPU time says what a note costs even when the machine is shared and wall time means little.
            System.out.printf("note %s ran in %.1f s wall, %.1f s CPU of this JVM%n", note.name(),
                    (System.nanoTime() - start) / 1e9, (cpuMillis() - cpuStart) / 1e3);
            assertEquals(note.paragraphs().size(), outputs.size());
            writeOutputs(note, outputs);
            List<String> problems = new ArrayList<>();
            for (ParagraphOutput out : outputs) {
                problems.addAll(ChartCheck.problems(out));
            }
            assertTrue(problems.isEmpty(), "note \"" + note.name() + "\": " + String.join("\n", problems));
        }));
    }

    private static long cpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
    }

    /** Keeps what every paragraph printed in {@code target/note-outputs}, to read what the charts showed. */
    private static void writeOutputs(Note note, List<ParagraphOutput> outputs) throws IOException {
        StringBuilder text = new StringBuilder();
        for (ParagraphOutput out : outputs) {
            text.append("=== ").append(out.paragraph().label()).append('\n').append(out.text()).append('\n');
        }
        Path dir = Files.createDirectories(Paths.get("target", "note-outputs"));
        Files.writeString(dir.resolve(note.file().getFileName().toString().replace(".zpln", ".txt")), text);
    }
}
