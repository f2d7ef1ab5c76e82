package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/** The server's answer to {@link Hello}: its protocol version and its name. */
public record HelloOk(long requestId, int protocolVersion, String serverName) implements Message {
    @Override
    public MessageType type() {
        return MessageType.HELLO_OK;
    }

    @Override
    public int encodedLength() {
        return 8 + 4 + Codec.stringLength(serverName);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeInt(protocolVersion);
        Codec.writeString(out, serverName);
    }

    public static HelloOk decode(ByteBuf in) {
        Codec.need(in, 12, "HELLO_OK");
        return new HelloOk(in.readLong(), in.readInt(), Codec.readString(in, "HELLO_OK server name"));
    }
}
