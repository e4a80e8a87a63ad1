package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.PathResolutionException;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.cli.options.RepoOption;

import java.io.IOException;
import java.util.List;

/**
 * Kubo's words for a path segment that leads nowhere, found by looking at what the path reached
 * before it. boxo walks all but the last segment with a selector, which stops where one is not
 * there: {@code no link named "x" under <the last block reached>}; the last is looked up in what
 * the walk reached, with go-ipld-prime's errors ({@code key not found: "x"}, a list index, a value
 * of the wrong kind: a UnixFS file reads as bytes) or boxo's {@code no link named} in a directory.
 */
final class PathErrors {
    private PathErrors() {
    }

    /** Kubo's error for {@code e}, or {@code e} itself when Kubo's is not known. */
    static RuntimeException of(Repository repo, PathResolutionException e) throws IOException {
        boolean known = switch (e.reason()) {
            case NO_SUCH_LINK, NO_SUCH_KEY, NO_SUCH_INDEX, NOT_A_CONTAINER -> true;
            default -> false;
        };
        if (!known || e.segmentIndex() < 0) {
            return e;
        }
        IpfsPath p = e.path();
        List<String> before = p.segments().subList(0, e.segmentIndex());
        ResolvedPath reached = ContentPath.resolve(repo, new IpfsPath(p.namespace(), p.root(), before));
        String segment = GoQuote.quote(e.segment());
        String noLink = "no link named " + segment + " under " + reached.cid();
        if (e.segmentIndex() < p.segments().size() - 1) {
            return RpcError.failed(noLink); // boxo's selector stops short of the last segment
        }
        String message = switch (e.reason()) {
            case NO_SUCH_LINK -> unixfsFile(repo, reached.cid()) ? belowFile(repo, reached.cid()) : noLink;
            case NO_SUCH_KEY, NO_SUCH_INDEX -> value(repo, reached) instanceof ListNode ? listIndex(e.segment())
                    : "key not found: " + segment;
            default -> wrongKind(value(repo, reached));
        };
        return RpcError.failed(message);
    }

    /** The value a resolved path names, read through a final link. */
    private static Node value(Repository repo, ResolvedPath reached) throws IOException {
        if (reached.node() instanceof Link l) {
            Block b = repo.blocks().local().get(l.cid()).orElseThrow(() -> KuboPaths.notFound(l.cid()));
            return RepoOption.codecs(true).decode(b);
        }
        return reached.node();
    }

    /** Whether {@code cid} is a UnixFS file's DAG-PB block, which Kubo's path resolution reads as bytes. */
    private static boolean unixfsFile(Repository repo, Cid cid) throws IOException {
        if (cid.codec() != Multicodec.DAG_PB) {
            return false;
        }
        try {
            PBNode node = PBNode.decode(repo.blocks().local().get(cid).orElseThrow().data());
            DataType t = UnixfsData.decode(node.data()).type();
            return t == DataType.FILE || t == DataType.RAW;
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            return false; // not UnixFS: a plain node, whose names are links
        }
    }

    /** go-ipld-prime's {@code ErrWrongKind} for a segment below a value that has no children. */
    private static String wrongKind(Node value) {
        String kind = switch (value.kind()) {
            case INTEGER -> "int";
            case BOOLEAN -> "bool";
            default -> value.kind().toString();
        };
        return wrongKind(kind, kind);
    }

    private static String wrongKind(String type, String kind) {
        return "func called on wrong kind: \"LookupBySegment\" called on a " + type + " node (kind: " + kind
                + "), but only makes sense on map or list";
    }

    /** The same below a UnixFS file: one block reads as bytes; several are an ADL without that method. */
    private static String belowFile(Repository repo, Cid cid) throws IOException {
        if (PBNode.decode(repo.blocks().local().get(cid).orElseThrow().data()).links().isEmpty()) {
            return wrongKind("data.Bytes", "bytes");
        }
        return "func called on wrong kind: \"\" called on a INVALID node, but only makes sense on <empty KindSet>";
    }

    /** go-ipld-prime's answer for a list segment that is not there: Go's {@code ParseInt} decides which. */
    private static String listIndex(String segment) {
        if (segment.matches("-[0-9]+")) {
            return "an error occurred";
        }
        String why = "invalid syntax";
        if (segment.matches("[0-9]+")) {
            try {
                Long.parseLong(segment);
                return "key not found: " + GoQuote.quote(segment);
            } catch (NumberFormatException e) {
                why = "value out of range";
            }
        }
        return "invalid segment for lookup on a list: " + GoQuote.quote(segment) + ": strconv.ParseInt: parsing "
                + GoQuote.quote(segment) + ": " + why;
    }
}
