package org.petuum.ps;

/**
 * A shard refused a request because its answer would be over a limit ({@link PsConf#MAX_ROWS_PER_REQUEST},
 * {@link PsConf#MAX_FRAME_BYTES}); the message names the limit. The same request with fewer rows can succeed.
 */
public final class PsTooLargeException extends PsException {
    private static final long serialVersionUID = 1L;

    public PsTooLargeException(String message) {
        super(message, false);
    }

    public PsTooLargeException(String message, Throwable cause) {
        super(message, false, cause);
    }
}
