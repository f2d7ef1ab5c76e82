package org.petuum.ps.protocol;

import java.util.Arrays;
import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * The server's answer to {@link Hello} (or, when the application authenticates, to {@link AuthResponse}): its
 * protocol version, its name, and its proof of holding the application's secret — empty without
 * authentication, {@link AuthResponse#PROOF_BYTES} bytes with it, so that the client authenticates the server
 * too.
 */
public record HelloOk(long requestId, int protocolVersion, String serverName, byte[] serverProof) implements Message {
    private static final byte[] NO_PROOF = new byte[0];

    public HelloOk {
        if (serverProof == null || serverProof.length == 0) {
            serverProof = NO_PROOF;
        } else {
            serverProof = Codec.checkedCopy(serverProof, AuthResponse.PROOF_BYTES, "HELLO_OK server proof");
        }
    }

    /** A greeting without authentication. */
    public HelloOk(long requestId, int protocolVersion, String serverName) {
        this(requestId, protocolVersion, serverName, NO_PROOF);
    }

    /** A copy (empty without authentication): the record stays immutable. */
    @Override
    public byte[] serverProof() {
        return serverProof.clone();
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO_OK;
    }

    @Override
    public int encodedLength() {
        return 8 + 4 + Codec.stringLength(serverName) + 1 + serverProof.length;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeInt(protocolVersion);
        Codec.writeString(out, serverName);
        out.writeByte(serverProof.length);
        out.writeBytes(serverProof);
    }

    public static HelloOk decode(ByteBuf in) {
        Codec.need(in, 12, "HELLO_OK");
        long id = in.readLong();
        int version = in.readInt();
        String name = Codec.readString(in, "HELLO_OK server name");
        Codec.need(in, 1, "HELLO_OK proof length");
        int n = in.readUnsignedByte();
        if (n != 0 && n != AuthResponse.PROOF_BYTES) {
            throw new ProtocolException("HELLO_OK server proof of " + n + " bytes (expected: 0 or "
                    + AuthResponse.PROOF_BYTES + ")");
        }
        Codec.need(in, n, "HELLO_OK server proof");
        byte[] proof = new byte[n];
        in.readBytes(proof);
        return new HelloOk(id, version, name, proof);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HelloOk h && h.requestId == requestId && h.protocolVersion == protocolVersion
                && h.serverName.equals(serverName) && Arrays.equals(h.serverProof, serverProof);
    }

    @Override
    public int hashCode() {
        return ((Long.hashCode(requestId) * 31 + protocolVersion) * 31 + serverName.hashCode()) * 31
                + Arrays.hashCode(serverProof);
    }

    @Override
    public String toString() {
        return "HelloOk[requestId=" + requestId + ", protocolVersion=" + protocolVersion + ", serverName=" + serverName
                + ", serverProof=" + Codec.hex(serverProof) + "]";
    }
}
