package io.p2pkit.ipfs.path;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.Node;

import java.util.List;

/**
 * Where a path leads, as {@code ipfs resolve} reports it.
 *
 * @param path      the path resolved
 * @param cid       the CID the path names: the target of the link the path ends on (not fetched),
 *                  or else the block that holds {@link #node()}
 * @param remainder the segments inside that block leading to the node (empty when the node is a
 *                  link or the block's root)
 * @param node      the value reached; a {@link io.p2pkit.ipfs.ipld.Link} when the path ends on one
 */
public record ResolvedPath(IpfsPath path, Cid cid, List<String> remainder, Node node) {
    public ResolvedPath {
        remainder = List.copyOf(remainder);
    }
}
