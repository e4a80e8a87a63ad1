package io.p2pkit.core.pnet;

import io.p2pkit.core.security.HandshakeException;

/**
 * A connection failed at the private network layer: the remote sent no complete nonce, or what it
 * sent next does not decrypt, under our key, to the start of a libp2p handshake. Either way the
 * remote has another key or none; the connection is closed, nothing else is affected.
 */
public class PrivateNetworkException extends HandshakeException {
    /** A failure described by {@code message}. */
    public PrivateNetworkException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, found as {@code cause}. */
    public PrivateNetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
