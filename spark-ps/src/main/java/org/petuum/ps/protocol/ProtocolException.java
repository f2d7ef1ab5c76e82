package org.petuum.ps.protocol;

/**
 * A frame that breaks the protocol: unknown type, truncated or oversized body, bad handshake. The
 * connection it arrived on is closed; nothing else is affected. Retrying the same bytes cannot help.
 */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
