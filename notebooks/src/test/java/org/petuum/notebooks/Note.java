package org.petuum.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Zeppelin note ({@code .zpln}, Zeppelin 0.12's JSON) as the runner sees it: its name (a path such as
 * {@code petuum/01-ssp-tables-tour}), id and paragraphs in order.
 */
record Note(Path file, String name, String id, List<Paragraph> paragraphs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every note under {@code dir}, sorted by path. Each file must be named {@code <last part of name>_<id>.zpln},
     * the name Zeppelin gives a note file in its notebook folder.
     *
     * @throws IllegalStateException if {@code dir} holds no note, or a note's file name does not match its content
     */
    static List<Note> discover(Path dir) {
        List<Note> notes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".zpln")).sorted().toList()) {
                Note note = read(f);
                String expected = note.name().substring(note.name().lastIndexOf('/') + 1) + "_" + note.id() + ".zpln";
                if (!f.getFileName().toString().equals(expected)) {
                    throw new IllegalStateException(f + ": a note named \"" + note.name() + "\" with id " + note.id()
                            + " must be in a file named " + expected + " (Zeppelin's notebook folder layout)");
                }
                notes.add(note);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list notes under " + dir, e);
        }
        if (notes.isEmpty()) {
            throw new IllegalStateException("no .zpln note under " + dir);
        }
        return notes;
    }

    /** Reads one note. @throws IllegalStateException naming the file if it is not a note */
    static Note read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(file + " is not a JSON note: " + e.getMessage(), e);
        }
        String name = required(file, root, "name");
        String id = required(file, root, "id");
        String group = root.path("defaultInterpreterGroup").asText("spark");
        JsonNode ps = root.path("paragraphs");
        if (!ps.isArray() || ps.isEmpty()) {
            throw new IllegalStateException(file + ": note \"" + name + "\" has no paragraphs");
        }
        List<Paragraph> paragraphs = new ArrayList<>();
        for (JsonNode p : ps) {
            paragraphs.add(new Paragraph(paragraphs.size(), p.path("title").asText(""), p.path("text").asText(""),
                    p.path("config"), group));
        }
        return new Note(file, name, id, List.copyOf(paragraphs));
    }

    private static String required(Path file, JsonNode root, String field) {
        String v = root.path(field).asText("");
        if (v.isBlank()) {
            throw new IllegalStateException(file + ": a note needs a \"" + field + "\"");
        }
        return v;
    }

    @Override
    public String toString() {
        return name;
    }
}
