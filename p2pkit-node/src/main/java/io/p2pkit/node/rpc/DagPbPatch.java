package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code object patch add-link} and {@code rm-link}: a link added or removed at a {@code /}-separated
 * path below a DAG-PB root, with every node on the way written again, as boxo's
 * {@code dagutils.Editor} does it (so the new root's CID is Kubo's). As there, nothing looks at
 * UnixFS: a link goes into a file node or a HAMT shard as into any other node. The work is one
 * node read per path segment.
 */
final class DagPbPatch {
    private final BlockSource blocks;
    private final List<Block> written = new ArrayList<>();

    /** A patch that reads the nodes on its way from {@code blocks}. */
    DagPbPatch(BlockSource blocks) {
        this.blocks = blocks;
    }

    /**
     * Adds a link named by the last segment of {@code path} to {@code child}, replacing any of that
     * name; with {@code create}, segments that are not there become empty UnixFS directories.
     *
     * @return the new root's block; {@link #written()} has it last, after the other new nodes
     */
    Block addLink(Block root, String path, Block child, boolean create) throws IOException {
        EditedNode node = EditedNode.of(root);
        insert(node, path.split("/", -1), 0, child.cid(), sizeOf(child), create);
        return finish(node);
    }

    /**
     * Removes every link named by the last segment of {@code path} from the node the segments
     * before it lead to.
     *
     * @return the new root's block; {@link #written()} has it last, after the other new nodes
     */
    Block rmLink(Block root, String path) throws IOException {
        EditedNode node = EditedNode.of(root);
        remove(node, path.split("/", -1), 0);
        return finish(node);
    }

    /** The new nodes, to store. */
    List<Block> written() {
        return List.copyOf(written);
    }

    private void insert(EditedNode node, String[] path, int i, Cid child, long childSize, boolean create)
            throws IOException {
        String name = path[i];
        if (i == path.length - 1) {
            if (name.isEmpty()) {
                throw RpcError.failed("cannot create link with no name");
            }
            node.remove(name);
            node.add(name, child, childSize);
            return;
        }
        PBLink link = node.link(name);
        EditedNode next;
        if (link != null) {
            next = EditedNode.of(read(link.hash()));
        } else if (create) {
            next = EditedNode.emptyDirectory();
        } else {
            throw noLink();
        }
        insert(next, path, i + 1, child, childSize, create);
        replace(node, name, next);
    }

    private void remove(EditedNode node, String[] path, int i) throws IOException {
        String name = path[i];
        if (i == path.length - 1) {
            if (!node.remove(name)) {
                throw noLink();
            }
            return;
        }
        PBLink link = node.link(name);
        if (link == null) {
            throw noLink();
        }
        EditedNode next = EditedNode.of(read(link.hash()));
        remove(next, path, i + 1);
        replace(node, name, next);
    }

    /** Points {@code name} in {@code node} at the changed {@code child}, which is written. */
    private void replace(EditedNode node, String name, EditedNode child) {
        Block b = child.block();
        written.add(b);
        node.remove(name);
        node.add(name, b.cid(), child.size());
    }

    private Block finish(EditedNode root) {
        root.dropEmptyData(); // boxo returns a copy of the root, and its copy drops an empty Data
        Block b = root.block();
        written.add(b);
        return b;
    }

    private Block read(Cid cid) throws IOException {
        return blocks.get(cid).orElseThrow(() -> KuboPaths.notFound(cid));
    }

    private static RpcError noLink() {
        return RpcError.failed("no link by that name");
    }

    /** The size a link to {@code block} records: a DAG-PB node's cumulative size, another block's length. */
    static long sizeOf(Block block) {
        if (block.cid().codec() != Multicodec.DAG_PB) {
            return block.size();
        }
        return EditedNode.cumulativeSize(block.size(), PBNode.decode(block.data()).links());
    }
}
