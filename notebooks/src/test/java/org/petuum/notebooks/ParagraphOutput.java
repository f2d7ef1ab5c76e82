package org.petuum.notebooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a paragraph printed, split into results as Zeppelin splits an interpreter's output: a line starting with
 * a display magic ({@code %table}, {@code %text}, {@code %html} …) starts a new result of that type, output before
 * any magic is text, and blank text and HTML results are dropped (Zeppelin 0.12 does the same, which is why
 * {@code z.show} can end its table with {@code %text}). A paragraph's {@code config.results."i"} refers to result
 * {@code i} of this list.
 */
record ParagraphOutput(Paragraph paragraph, String text, List<Result> results) {
    private static final Set<String> TYPES = Set.of("text", "html", "table", "angular", "img", "svg", "network");

    /** One result: its type ({@code TEXT}, {@code TABLE} …) and data. */
    record Result(String type, String data) {
        /** The column names of a table result: its first line, tab-separated. */
        List<String> columns() {
            if (!type.equals("TABLE")) {
                throw new IllegalStateException("a " + type + " result has no columns");
            }
            String header = data.lines().findFirst().orElse("");
            return header.isEmpty() ? List.of() : List.of(header.split("\t", -1));
        }
    }

    static ParagraphOutput parse(Paragraph paragraph, String text) {
        List<Result> results = new ArrayList<>();
        String type = "TEXT";
        StringBuilder data = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String magic = magic(line);
            if (magic != null) {
                add(results, type, data);
                type = magic.toUpperCase();
                data.setLength(0);
                String rest = line.substring(magic.length() + 1);
                data.append(rest.startsWith(" ") ? rest.substring(1) : rest);
            } else {
                data.append(data.isEmpty() ? "" : "\n").append(line);
            }
        }
        add(results, type, data);
        return new ParagraphOutput(paragraph, text, List.copyOf(results));
    }

    private static String magic(String line) {
        if (!line.startsWith("%")) {
            return null;
        }
        int end = 1;
        while (end < line.length() && Character.isLetter(line.charAt(end))) {
            end++;
        }
        String name = line.substring(1, end);
        boolean delimited = end == line.length() || Character.isWhitespace(line.charAt(end));
        return delimited && TYPES.contains(name) ? name : null;
    }

    /**
     * Adds a result. Blank text or HTML is dropped; a table's data starts at its header line (a magic on a line of
     * its own, {@code %table\nheader…}, is the same table as {@code %table header…}).
     */
    private static void add(List<Result> results, String type, StringBuilder data) {
        String d = type.equals("TABLE") ? data.toString().replaceFirst("^\n", "") : data.toString();
        if ((type.equals("TEXT") || type.equals("HTML")) && d.isBlank()) {
            return;
        }
        results.add(new Result(type, d));
    }
}
