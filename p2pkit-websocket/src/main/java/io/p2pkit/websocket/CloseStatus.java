package io.p2pkit.websocket;

/** Close status codes of RFC 6455 section 7.4 that this implementation sends or checks. */
public final class CloseStatus {
    /** Normal closure. */
    public static final int NORMAL = 1000;
    /** The endpoint is going away (shutdown). */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** A data type we do not accept (text frames). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** Reserved: "no status in the close frame"; never sent on the wire. */
    public static final int NO_STATUS = 1005;
    /** The payload of a message was not consistent with its type (bad UTF-8 in a close reason). */
    public static final int INVALID_PAYLOAD = 1007;
    /** A frame or message exceeded our size limits. */
    public static final int TOO_BIG = 1009;
    /** An unexpected condition on our side. */
    public static final int INTERNAL_ERROR = 1011;

    private CloseStatus() {
    }

    /**
     * Whether {@code code} may appear in a close frame: the defined codes 1000–1003 and
     * 1007–1014 (not the reserved 1004–1006 and 1015), and the application ranges 3000–4999.
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
