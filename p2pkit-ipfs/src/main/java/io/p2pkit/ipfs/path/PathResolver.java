package io.p2pkit.ipfs.path;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.Codec;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagpb.DagPb;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.codec.identity.InlineBlocks;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.path.PathResolutionException.Reason;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves {@link IpfsPath}s segment by segment, reading blocks from a {@link BlockSource} as it
 * crosses links (identity CIDs are read from the CID itself). Each block on the way is read once.
 * Immutable and thread-safe when the source is.
 *
 * <pre>{@code
 * ResolvedPath r = new PathResolver(blockstore).resolve(IpfsPath.parse("/ipfs/bafy…/a/b"));
 * }</pre>
 */
public final class PathResolver {
    private final BlockSource blocks;
    private final Codecs codecs;
    private final NamedLinkLookup namedLinks;

    /** Over {@code blocks}, with the standard codecs and plain DAG-PB name lookup. */
    public PathResolver(BlockSource blocks) {
        this(blocks, Codecs.standard(), NamedLinkLookup.FIRST_MATCHING_NAME);
    }

    /**
     * @param blocks     where blocks come from
     * @param codecs     the codecs to read them with
     * @param namedLinks how {@code /ipfs/} segments are found in DAG-PB nodes
     */
    public PathResolver(BlockSource blocks, Codecs codecs, NamedLinkLookup namedLinks) {
        this.blocks = InlineBlocks.over(Objects.requireNonNull(blocks, "blocks"));
        this.codecs = Objects.requireNonNull(codecs, "codecs");
        this.namedLinks = Objects.requireNonNull(namedLinks, "namedLinks");
    }

    /**
     * @param path a path
     * @return where it leads
     * @throws PathResolutionException naming the segment that does not resolve, and why
     * @throws IOException             when the block source fails
     */
    public ResolvedPath resolve(IpfsPath path) throws IOException {
        Cid cid = path.root();
        Loaded block = load(path, -1, cid);
        Node node = null; // null: the current block's root, not decoded yet (DAG-PB under /ipfs/ may never need it)
        List<String> remainder = new ArrayList<>();
        List<String> segments = path.segments();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (node instanceof Link link) {
                cid = link.cid();
                block = load(path, i, cid);
                node = null;
                remainder.clear();
            }
            if (node == null && path.namespace() == IpfsPath.Namespace.IPFS && cid.codec() == Multicodec.DAG_PB) {
                PBNode pb = block.pbNode(path, i);
                Optional<Cid> target = namedLinks.lookup(pb, segment, blocks);
                if (target.isEmpty()) {
                    throw new PathResolutionException(path, i, Reason.NO_SUCH_LINK,
                            "no link named \"" + segment + "\" in the DAG-PB node " + cid, null);
                }
                node = new Link(target.get());
                continue;
            }
            if (node == null) {
                node = block.node(path, i);
            }
            node = child(path, i, cid, node, segment);
            remainder.add(segment);
        }
        if (node instanceof Link link) {
            return new ResolvedPath(path, link.cid(), List.of(), node);
        }
        return new ResolvedPath(path, cid, remainder, node == null ? block.node(path, segments.size() - 1) : node);
    }

    private static Node child(IpfsPath path, int i, Cid cid, Node node, String segment) {
        switch (node) {
            case MapNode map -> {
                return map.get(segment).orElseThrow(() -> new PathResolutionException(path, i, Reason.NO_SUCH_KEY,
                        "no key \"" + segment + "\" in the map" + where(cid), null));
            }
            case ListNode list -> {
                int index = index(segment);
                if (index < 0) {
                    throw new PathResolutionException(path, i, Reason.NO_SUCH_INDEX,
                            "a list is indexed by a number, not \"" + segment + "\"" + where(cid), null);
                }
                if (index >= list.size()) {
                    throw new PathResolutionException(path, i, Reason.NO_SUCH_INDEX,
                            "index " + index + " is past the end of a list of " + list.size() + where(cid), null);
                }
                return list.get(index);
            }
            default -> throw new PathResolutionException(path, i, Reason.NOT_A_CONTAINER,
                    "the value there is a " + node.kind() + ", not a map or list" + where(cid), null);
        }
    }

    private static String where(Cid cid) {
        return " in block " + cid;
    }

    /** A list index: decimal digits, no sign or leading zero; -1 when it is not one (or too large). */
    private static int index(String s) {
        if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private Loaded load(IpfsPath path, int segment, Cid cid) throws IOException {
        Optional<Block> block = blocks.get(cid);
        if (block.isEmpty()) {
            throw new PathResolutionException(path, segment, Reason.BLOCK_NOT_FOUND, "block " + cid + " not found", null);
        }
        Optional<Codec> codec = codecs.find(cid.codec());
        if (codec.isEmpty()) {
            throw new PathResolutionException(path, segment, Reason.UNSUPPORTED_CODEC,
                    "block " + cid + " is in codec " + Multicodec.nameOf(cid.codec()) + ", which p2pkit cannot read", null);
        }
        return new Loaded(cid, block.get(), codec.get());
    }

    /** A block on the way, decoded on demand. */
    private record Loaded(Cid cid, Block block, Codec codec) {
        Node node(IpfsPath path, int segment) {
            try {
                return codec.decode(block.data());
            } catch (DecodeException e) {
                throw malformed(path, segment, e);
            }
        }

        PBNode pbNode(IpfsPath path, int segment) {
            try {
                return codec instanceof DagPb pb ? pb.decodeNode(block.data()) : DagPb.DEFAULT.decodeNode(block.data());
            } catch (DecodeException e) {
                throw malformed(path, segment, e);
            }
        }

        private PathResolutionException malformed(IpfsPath path, int segment, DecodeException e) {
            return new PathResolutionException(path, segment, Reason.MALFORMED_BLOCK, "block " + cid + " is malformed: " + e.getMessage(), e);
        }
    }
}
