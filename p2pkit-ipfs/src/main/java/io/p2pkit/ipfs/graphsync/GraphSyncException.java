package io.p2pkit.ipfs.graphsync;

import java.io.IOException;

/** A GraphSync request that failed: the peer answered with an error, broke the protocol, or went quiet. */
public class GraphSyncException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public GraphSyncException(String message) {
        super(message);
    }
}
