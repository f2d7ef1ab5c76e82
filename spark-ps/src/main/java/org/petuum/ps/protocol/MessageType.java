package org.petuum.ps.protocol;

/**
 * Every message of the wire protocol, with the byte that identifies it in a frame. The ids are part of the
 * protocol: never renumber one, only add.
 */
public enum MessageType {
    HELLO(1),
    HELLO_OK(2),
    ERROR(3),
    ACK(4),
    CREATE_TABLE(5),
    DROP_TABLE(6),
    BEGIN_RUN(7),
    FLUSH(8),
    GET_ROWS(9),
    ROWS(10),
    READ_RANGE(11),
    PUT_ROWS(12),
    AUTH_CHALLENGE(13),
    AUTH_RESPONSE(14),
    RESTORE(15),
    ROW_PUSH(16),
    UPDATE(17),
    LAST_FLUSH(18),
    AWAIT_CLOCK(19);

    private static final MessageType[] BY_ID = new MessageType[128];

    static {
        for (MessageType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final byte id;

    MessageType(int id) {
        this.id = (byte) id;
    }

    public byte id() {
        return id;
    }

    /** The type with this id. @throws ProtocolException for an id no type has */
    public static MessageType of(byte id) {
        MessageType t = id >= 0 ? BY_ID[id] : null;
        if (t == null) {
            throw new ProtocolException("unknown message type id " + id + " (expected one of "
                    + java.util.Arrays.toString(values()) + ")");
        }
        return t;
    }
}
