package io.p2pkit.core.auth;

import io.p2pkit.core.identity.PeerId;

import java.io.IOException;

/** A peer may not use a protocol: a policy rule refused it, or it failed to prove a trusted key. */
public class AccessDeniedException extends IOException {
    private final PeerId peer;
    private final String protocol;

    AccessDeniedException(PeerId peer, String protocol, String reason, Throwable cause) {
        super(peer + " may not use " + protocol + ": " + reason, cause);
        this.peer = peer;
        this.protocol = protocol;
    }

    /** The peer refused. */
    public PeerId peer() {
        return peer;
    }

    /** The protocol it was refused. */
    public String protocol() {
        return protocol;
    }
}
