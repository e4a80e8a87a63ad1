package io.p2pkit.core.security.tls;

import java.io.IOException;

/**
 * A handshake failure this side reports to the peer with a fatal alert (RFC 8446 §6.2): the
 * alert's description travels with the reason, and the handshake turns both into the alert it
 * sends and the {@link io.p2pkit.core.security.HandshakeException} it throws.
 */
final class FatalAlert extends IOException {
    private static final long serialVersionUID = 1L;

    private final int description;

    FatalAlert(int description, String message) {
        super(message);
        this.description = description;
    }

    FatalAlert(int description, String message, Throwable cause) {
        super(message, cause);
        this.description = description;
    }

    /** The alert description to send. */
    int description() {
        return description;
    }
}
