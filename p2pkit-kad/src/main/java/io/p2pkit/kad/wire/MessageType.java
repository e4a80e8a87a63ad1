package io.p2pkit.kad.wire;

import io.p2pkit.core.DecodeException;

/** The request types of {@code /ipfs/kad/1.0.0}, with their wire numbers. */
public enum MessageType {
    /** Store a record; also what an absent {@code type} field means (proto3 default 0). */
    PUT_VALUE(0),
    /** Ask for a record and closer peers. */
    GET_VALUE(1),
    /** Announce that the sender provides a key; no reply is expected. */
    ADD_PROVIDER(2),
    /** Ask for the providers of a key and closer peers. */
    GET_PROVIDERS(3),
    /** Ask for the peers closest to a key. */
    FIND_NODE(4),
    /** A liveness check, answered with an empty PING (deprecated in the spec, still answered). */
    PING(5);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The number on the wire. */
    public int code() {
        return code;
    }

    /**
     * The type numbered {@code code}.
     *
     * @throws DecodeException for an unknown number
     */
    public static MessageType of(long code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new DecodeException("Message.type", "unknown message type " + code);
    }
}
