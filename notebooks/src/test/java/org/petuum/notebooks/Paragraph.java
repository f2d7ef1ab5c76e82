package org.petuum.notebooks;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One paragraph of a note: its position (0-based, as Zeppelin counts), title, text and display config.
 *
 * <p>The first line of the text names the interpreter ({@code %spark}, {@code %spark.sql}, {@code %spark.conf},
 * {@code %md} …); a paragraph without one uses the note's default interpreter group, as in Zeppelin.
 */
record Paragraph(int index, String title, String text, JsonNode config, String defaultInterpreter) {

    /** The interpreter, without the {@code %}: {@code spark}, {@code spark.sql}, {@code md} … */
    String interpreter() {
        String first = firstLine();
        if (first.startsWith("%")) {
            String magic = first.substring(1).trim();
            int space = magic.indexOf(' ');
            return space < 0 ? magic : magic.substring(0, space);
        }
        return defaultInterpreter;
    }

    /** The text the interpreter receives: everything after the interpreter line. */
    String body() {
        if (!firstLine().startsWith("%")) {
            return text;
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? "" : text.substring(nl + 1);
    }

    /** How failures name the paragraph: {@code paragraph 3 "Read the table back"}. */
    String label() {
        return "paragraph " + index + (title == null || title.isBlank() ? " (untitled)" : " \"" + title + "\"");
    }

    private String firstLine() {
        String t = text.stripLeading();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
