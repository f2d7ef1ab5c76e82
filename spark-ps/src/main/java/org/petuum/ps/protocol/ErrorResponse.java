package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/** A request failed; {@code code} tells whether retrying can help, {@code message} says what and where. */
public record ErrorResponse(long requestId, Code code, String message) implements Message {
    /** Longest message carried, in characters; longer ones are cut (the frame's string limit is 64 KiB). */
    public static final int MAX_MESSAGE_CHARS = 8192;

    public ErrorResponse {
        if (message.length() > MAX_MESSAGE_CHARS) {
            int cut = MAX_MESSAGE_CHARS - 15;
            if (Character.isHighSurrogate(message.charAt(cut - 1))) {
                cut--; // half a surrogate pair would be sent as '?', and the decoded message would differ
            }
            message = message.substring(0, cut) + " …(truncated)";
        }
    }

    /** Why a request failed. */
    public enum Code {
        /** The request is wrong (unknown table, row out of range, wrong run): retrying the same fails again. */
        BAD_REQUEST,
        /** A read waited longer than its timeout for slower workers. */
        TIMEOUT,
        /** The server failed; the message has the cause. */
        INTERNAL,
        /** The answer would be over a limit (rows per request, frame size): the same request with fewer rows can work. */
        TOO_LARGE;

        static Code of(byte b) {
            Code[] all = values();
            if (b < 0 || b >= all.length) {
                throw new ProtocolException("error code " + b + " (expected: 0.." + (all.length - 1) + ")");
            }
            return all[b];
        }
    }

    @Override
    public MessageType type() {
        return MessageType.ERROR;
    }

    @Override
    public int encodedLength() {
        return 8 + 1 + Codec.stringLength(message);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeByte(code.ordinal());
        Codec.writeString(out, message);
    }

    public static ErrorResponse decode(ByteBuf in) {
        Codec.need(in, 9, "ERROR");
        return new ErrorResponse(in.readLong(), Code.of(in.readByte()), Codec.readString(in, "ERROR message"));
    }
}
