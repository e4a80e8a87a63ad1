package io.p2pkit.ipfs.path;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;

import java.io.IOException;
import java.util.Optional;

/**
 * How an {@code /ipfs/} path segment is looked up in a DAG-PB node. The default takes the first
 * link of that name; UnixFS plugs in a lookup that also walks HAMT-sharded directories, whose
 * link names carry a bucket prefix and whose entries may sit in child shards.
 */
@FunctionalInterface
public interface NamedLinkLookup {
    /** The first link whose Name is the segment. */
    NamedLinkLookup FIRST_MATCHING_NAME = (node, name, blocks) -> {
        for (PBLink l : node.links()) {
            if (name.equals(l.name())) {
                return Optional.of(l.hash());
            }
        }
        return Optional.empty();
    };

    /**
     * @param node   the DAG-PB node the segment is looked up in
     * @param name   the segment
     * @param blocks where further blocks can be read (a sharded directory spans several)
     * @return the CID the name links to, or empty when there is none
     * @throws IOException when a block cannot be read
     */
    Optional<Cid> lookup(PBNode node, String name, BlockSource blocks) throws IOException;
}
