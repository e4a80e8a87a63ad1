package io.p2pkit.websocket;

import java.io.IOException;

/**
 * The peer broke RFC 6455 (or exceeded our limits), or the connection was closed with a status.
 * {@link #status()} is the close status this side sends, or received, for it.
 */
public class WebSocketException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param status  the close status that describes the failure, for example {@link CloseStatus#PROTOCOL_ERROR}
     * @param message what was wrong
     */
    public WebSocketException(int status, String message) {
        super(message + " (status " + status + ")");
        this.status = status;
    }

    /** The close status of this failure. */
    public int status() {
        return status;
    }
}
