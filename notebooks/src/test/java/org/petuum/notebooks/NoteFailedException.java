package org.petuum.notebooks;

/** A note did not run: the message names the note, the paragraph (index and title) and what the interpreter said. */
final class NoteFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoteFailedException(Note note, Paragraph paragraph, String what) {
        this(note, paragraph, what, null);
    }

    NoteFailedException(Note note, Paragraph paragraph, String what, Throwable cause) {
        super("note \"" + note.name() + "\" (" + note.file().getFileName() + "), " + paragraph.label() + " (%"
                + paragraph.interpreter() + ") " + what, cause);
    }
}
