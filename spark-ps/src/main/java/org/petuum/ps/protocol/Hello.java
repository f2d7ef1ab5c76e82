package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/** The first message of every connection: the client's protocol version and a name for log messages. */
public record Hello(long requestId, int protocolVersion, String peerName) implements Message {
    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }

    @Override
    public int encodedLength() {
        return 8 + 4 + Codec.stringLength(peerName);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeInt(protocolVersion);
        Codec.writeString(out, peerName);
    }

    public static Hello decode(ByteBuf in) {
        Codec.need(in, 12, "HELLO");
        return new Hello(in.readLong(), in.readInt(), Codec.readString(in, "HELLO peer name"));
    }
}
