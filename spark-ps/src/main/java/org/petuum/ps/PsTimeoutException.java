package org.petuum.ps;

/** A bounded wait ran out; the message names who was waited for and for how long. */
public final class PsTimeoutException extends PsException {
    private static final long serialVersionUID = 1L;

    public PsTimeoutException(String message) {
        super(message, true);
    }

    public PsTimeoutException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
