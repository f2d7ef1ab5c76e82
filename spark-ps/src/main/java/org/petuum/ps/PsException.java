package org.petuum.ps;

/**
 * A parameter-server operation failed. {@link #retriable()} tells a caller whether the same call can
 * succeed later (a timeout, a lost connection) or never will (a wrong table, row or setting).
 */
public class PsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retriable;

    public PsException(String message, boolean retriable) {
        super(message);
        this.retriable = retriable;
    }

    public PsException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}
