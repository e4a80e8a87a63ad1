package io.p2pkit.core.network;

import java.io.IOException;

/**
 * A stream was to be opened on a limited (relayed) connection for a protocol that did not opt in
 * ({@code LimitedConnections.ALLOW}), and no direct connection could be had.
 */
public class LimitedConnectionException extends IOException {
    /** @param message which peer and protocol, and why no direct connection */
    public LimitedConnectionException(String message) {
        super(message);
    }

    /** @param message which peer and protocol; {@code cause} why no direct connection could be had */
    public LimitedConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
