package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.exchange.ContentService;

/** The content parts of the node a command needs, or the error for a node without them. */
final class NodeContent {
    private NodeContent() {
    }

    /** The node's repository. */
    static Repository repository(RpcRequest request) {
        return content(request).repository();
    }

    static ContentService content(RpcRequest request) {
        return request.node().content().orElseThrow(() -> RpcError.failed(
                "this node has no repository: start the daemon with one (p2pkit init, then p2pkit daemon)"));
    }

    /** Reads input bytes up to {@code limit}, or fails naming what was too big. */
    static byte[] readBounded(java.io.InputStream in, int limit, String what) throws java.io.IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw RpcError.failed(what + " is over the " + limit + " bytes a block may have");
        }
        return bytes;
    }
}
