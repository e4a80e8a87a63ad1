package io.p2pkit.core.host;

/**
 * Serves one protocol: called with each inbound stream that negotiated it, on a virtual thread
 * of its own. The stream is closed when the handler returns (reset if it throws).
 */
@FunctionalInterface
public interface StreamHandler {
    void handle(Stream stream) throws Exception;
}
