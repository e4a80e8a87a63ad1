package io.p2pkit.core.security;

import java.io.IOException;

/** The security handshake failed: bad message, bad signature, wrong peer, or the remote left. */
public class HandshakeException extends IOException {
    public HandshakeException(String message) {
        super(message);
    }

    public HandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
