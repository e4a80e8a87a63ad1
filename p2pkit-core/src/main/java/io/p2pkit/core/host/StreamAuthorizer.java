package io.p2pkit.core.host;

import io.p2pkit.core.network.Connection;

import java.io.IOException;

/**
 * Decides whether an inbound stream may reach its handler, once multistream-select has agreed on
 * its protocol (see {@link Host#setStreamAuthorizer}). {@code io.p2pkit.core.auth.PeerAuthorization}
 * is the built-in one.
 */
@FunctionalInterface
public interface StreamAuthorizer {
    /**
     * Returns to let the stream run; throws to refuse it: the stream is reset, its connection
     * stays. Runs on the stream's own virtual thread, so it may block (for a network round trip).
     */
    void authorize(Connection connection, String protocol) throws IOException;
}
