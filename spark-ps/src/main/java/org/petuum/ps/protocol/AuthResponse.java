package org.petuum.ps.protocol;

import java.util.Arrays;
import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * The client's answer to {@link AuthChallenge}: its own fresh nonce and its proof of holding the application's
 * secret, an HMAC over both nonces (see {@code org.petuum.ps.security.PsSecurity}). The secret itself never
 * crosses the wire. Answered by {@link HelloOk}, which carries the server's proof, or by an
 * {@link ErrorResponse} followed by the connection's close.
 */
public record AuthResponse(long requestId, byte[] clientNonce, byte[] proof) implements Message {
    /** Length of a proof (an HMAC-SHA256), in bytes. */
    public static final int PROOF_BYTES = 32;

    public AuthResponse {
        clientNonce = Codec.checkedCopy(clientNonce, AuthChallenge.NONCE_BYTES, "AUTH_RESPONSE client nonce");
        proof = Codec.checkedCopy(proof, PROOF_BYTES, "AUTH_RESPONSE proof");
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] clientNonce() {
        return clientNonce.clone();
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] proof() {
        return proof.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.AUTH_RESPONSE;
    }

    @Override
    public int encodedLength() {
        return 8 + AuthChallenge.NONCE_BYTES + PROOF_BYTES;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeBytes(clientNonce);
        out.writeBytes(proof);
    }

    public static AuthResponse decode(ByteBuf in) {
        Codec.need(in, 8 + AuthChallenge.NONCE_BYTES + PROOF_BYTES, "AUTH_RESPONSE");
        long id = in.readLong();
        byte[] nonce = new byte[AuthChallenge.NONCE_BYTES];
        in.readBytes(nonce);
        byte[] proof = new byte[PROOF_BYTES];
        in.readBytes(proof);
        return new AuthResponse(id, nonce, proof);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthResponse r && r.requestId == requestId && Arrays.equals(r.clientNonce, clientNonce)
                && Arrays.equals(r.proof, proof);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(requestId) * 31 + Arrays.hashCode(clientNonce)) * 31 + Arrays.hashCode(proof);
    }

    @Override
    public String toString() {
        return "AuthResponse[requestId=" + requestId + ", clientNonce=" + Codec.hex(clientNonce) + ", proof="
                + Codec.hex(proof) + "]";
    }
}
