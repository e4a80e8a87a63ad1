package io.p2pkit.core.security;

/**
 * The handshake authenticated a remote, but not the peer that was dialed: a definitive failure,
 * which dialing the same address again does not cure.
 */
public class PeerIdMismatchException extends HandshakeException {
    public PeerIdMismatchException(String message) {
        super(message);
    }

    public PeerIdMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
