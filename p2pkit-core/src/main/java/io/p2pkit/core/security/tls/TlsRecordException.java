package io.p2pkit.core.security.tls;

import java.io.IOException;

/**
 * A received TLS record that is malformed or fails authentication. It closes the connection: a
 * TLS record stream cannot resume after a bad record.
 */
final class TlsRecordException extends IOException {
    private static final long serialVersionUID = 1L;

    TlsRecordException(String message) {
        super(message);
    }

    TlsRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
