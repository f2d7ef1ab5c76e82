package org.petuum.ps.protocol;

import java.util.Arrays;
import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * The server's answer to {@link Hello} when the application authenticates ({@code spark.authenticate=true}):
 * a fresh random nonce that the client must prove, in an {@link AuthResponse}, it can sign with the
 * application's secret. Carries nothing secret.
 */
public record AuthChallenge(long requestId, byte[] serverNonce) implements Message {
    /** Length of every nonce in the handshake, in bytes. */
    public static final int NONCE_BYTES = 32;

    public AuthChallenge {
        serverNonce = Codec.checkedCopy(serverNonce, NONCE_BYTES, "AUTH_CHALLENGE server nonce");
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] serverNonce() {
        return serverNonce.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.AUTH_CHALLENGE;
    }

    @Override
    public int encodedLength() {
        return 8 + NONCE_BYTES;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeBytes(serverNonce);
    }

    public static AuthChallenge decode(ByteBuf in) {
        Codec.need(in, 8 + NONCE_BYTES, "AUTH_CHALLENGE");
        long id = in.readLong();
        byte[] nonce = new byte[NONCE_BYTES];
        in.readBytes(nonce);
        return new AuthChallenge(id, nonce);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthChallenge c && c.requestId == requestId && Arrays.equals(c.serverNonce, serverNonce);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + Arrays.hashCode(serverNonce);
    }

    @Override
    public String toString() {
        return "AuthChallenge[requestId=" + requestId + ", serverNonce=" + Codec.hex(serverNonce) + "]";
    }
}
