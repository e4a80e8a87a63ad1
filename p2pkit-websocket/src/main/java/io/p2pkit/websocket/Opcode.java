package io.p2pkit.websocket;

/** The frame opcodes of RFC 6455 section 5.2. */
enum Opcode {
    /** A further fragment of the message in progress. */
    CONTINUATION(0x0),
    /** A UTF-8 text message (libp2p never sends one; we refuse it). */
    TEXT(0x1),
    /** A binary message: every libp2p byte travels in these. */
    BINARY(0x2),
    /** Starts or answers the closing handshake. */
    CLOSE(0x8),
    /** Asks for a pong. */
    PING(0x9),
    /** Answers a ping (or is sent unasked as a heartbeat). */
    PONG(0xA);

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The 4-bit wire value. */
    public int code() {
        return code;
    }

    /** Whether this is a control frame (close, ping, pong): at most 125 bytes and never fragmented. */
    public boolean isControl() {
        return (code & 0x8) != 0;
    }

    /**
     * The opcode of a wire value.
     *
     * @throws WebSocketException with status 1002 for the reserved values
     */
    public static Opcode of(int code) throws WebSocketException {
        return switch (code) {
            case 0x0 -> CONTINUATION;
            case 0x1 -> TEXT;
            case 0x2 -> BINARY;
            case 0x8 -> CLOSE;
            case 0x9 -> PING;
            case 0xA -> PONG;
            default -> throw new WebSocketException(CloseStatus.PROTOCOL_ERROR, "reserved opcode 0x" + Integer.toHexString(code));
        };
    }
}
