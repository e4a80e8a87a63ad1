package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.unixfs.exporter.BlockNotFoundException;

import java.io.IOException;
import java.util.List;

/**
 * A request whose content path has been resolved: what the responders for each format work from.
 *
 * @param exchange   the request and its response
 * @param pathBlocks the blocks read to resolve the path (and the source for everything after)
 * @param codecs     the codecs blocks are read with
 * @param root       the path's root CID
 * @param terminal   the CID the path ends on
 * @param segments   the path's segments after the root
 * @param requested  the requested path up to the segments ({@code /ipfs/<cid>}, {@code /ipns/<name>})
 * @param end        the resolution of the whole path, or null when it has no segments
 * @param network    the node's content, when blocks that are not here may be fetched (not {@code only-if-cached})
 */
record ResolvedContent(Exchange exchange, PathBlocks pathBlocks, Codecs codecs, Cid root, Cid terminal,
                       List<String> segments, String requested, ResolvedPath end,
                       java.util.Optional<io.p2pkit.node.exchange.ContentService> network) {
    /** Where blocks are read from. */
    PathBlocks source() {
        return pathBlocks;
    }

    /**
     * The DAG under {@code cid} as a background fetch brings it, for a whole file streamed out
     * while it comes (a read of one block at a time through the store waits a round trip for
     * each); empty when it may not be fetched, is one block, or its first child is here already
     * (then the rest most likely is too). Close it when done.
     *
     * @param cid the DAG's root, read already
     */
    java.util.Optional<io.p2pkit.node.exchange.ArrivingBlocks> arriving(Cid cid) throws IOException {
        if (network.isEmpty() || cid.multihash().code() == Multicodec.IDENTITY) {
            return java.util.Optional.empty();
        }
        List<Cid> children = codecs.links(block(cid));
        var local = network.get().repository().blocks().local();
        if (children.isEmpty() || children.getFirst().multihash().code() == Multicodec.IDENTITY
                || local.has(children.getFirst().multihash())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(io.p2pkit.node.exchange.ArrivingBlocks.start(network.get().bitswap(), local, pathBlocks, cid, codecs,
                io.p2pkit.node.exchange.ArrivingBlocks.IDLE));
    }

    /** The block {@code cid}, or a {@link BlockNotFoundException}. */
    Block block(Cid cid) throws IOException {
        if (cid.multihash().code() == Multicodec.IDENTITY) {
            return Block.of(cid, cid.multihash().digest());
        }
        return pathBlocks.get(cid).orElseThrow(() -> new BlockNotFoundException(cid));
    }

    /** The last segment of the path, or the terminal CID when there is none: a default file name. */
    String name() {
        return segments.isEmpty() ? terminal.toString() : segments.get(segments.size() - 1);
    }
}
