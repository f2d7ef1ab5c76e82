package org.petuum.ssp;

/** A read refused because its answer would be over the limit set by {@link ShardState#limitAnswers}. */
public final class AnswerTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    AnswerTooLargeException(String message) {
        super(message);
    }
}
