package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.PathResolutionException;
import io.p2pkit.ipfs.path.PathResolver;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.ipfs.unixfs.hamt.HamtLinkLookup;

import java.io.IOException;
import java.util.List;

/** A command's CID-or-path argument read as {@link ContentPath} reads it, failing with Kubo's words. */
final class KuboPaths {
    private KuboPaths() {
    }

    /** The path an argument names; boxo's {@code invalid path "…": …} when it names none. */
    static IpfsPath parse(String arg) {
        try {
            return ContentPath.parse(arg);
        } catch (UsageException e) {
            // boxo splits the cleaned path: fewer than three parts ("", namespace, root) is too short
            String reason = !arg.startsWith("/") || Uploads.cleanPath(arg).split("/").length < 2
                    ? "path does not have enough components" : "invalid cid: " + e.getMessage();
            throw RpcError.failed("invalid path \"" + arg + "\": " + reason);
        }
    }

    /** The CID an argument leads to over the local blocks. */
    static Cid resolveCid(Repository repo, String arg) throws IOException {
        parse(arg);
        try {
            return ContentPath.resolveCid(repo, arg);
        } catch (BlockNotFoundException e) {
            throw notFound(e.cid());
        } catch (PathResolutionException e) {
            throw kubo(repo, e);
        }
    }

    /**
     * The CID an argument leads to, after fetching the DAG under the path's root over Bitswap when
     * that root is not here (a path into a directory that is elsewhere fetches the directory's
     * whole DAG first).
     */
    static Cid fetchAndResolve(RpcRequest request, String arg) throws IOException, InterruptedException {
        IpfsPath p = parse(arg);
        Repository repo = NodeContent.repository(request);
        if (p.root().multihash().code() != io.p2pkit.core.multiformats.Multicodec.IDENTITY
                && !NodeContent.offline(request) && !repo.blocks().local().has(p.root().multihash())) {
            NodeContent.fetchDag(request, p.root());
        }
        return resolveCid(repo, arg);
    }

    /** The path resolved, with Kubo's words for a segment that is not there. */
    static ResolvedPath resolve(Repository repo, String arg) throws IOException {
        try {
            return ContentPath.resolve(repo, parse(arg));
        } catch (PathResolutionException e) {
            throw kubo(repo, e);
        }
    }

    /** The CID an argument leads to over {@code blocks} (a bare CID is itself, no block read). */
    static Cid resolveCid(Repository repo, FetchingBlocks blocks, String arg) throws IOException {
        IpfsPath path = parse(arg);
        return path.segments().isEmpty() ? path.root() : resolve(repo, blocks, arg).cid();
    }

    /**
     * The path resolved over {@code blocks}, which fetch each block on the way that is not here
     * (only those: a path into a large directory does not bring the directory's DAG).
     */
    static ResolvedPath resolve(Repository repo, FetchingBlocks blocks, String arg) throws IOException {
        IpfsPath path = parse(arg);
        try {
            return new PathResolver(blocks, RepoOption.codecs(true), HamtLinkLookup.INSTANCE).resolve(path);
        } catch (PathResolutionException e) {
            if (e.reason() == PathResolutionException.Reason.BLOCK_NOT_FOUND) {
                throw blocks.missing().map(KuboPaths::notFound).orElseThrow(() -> e);
            }
            throw kubo(repo, e);
        }
    }

    /** boxo's {@code no link named "x" under <cid>} for a missing DAG-PB link; the message as it is otherwise. */
    private static RuntimeException kubo(Repository repo, PathResolutionException e) throws IOException {
        if (e.reason() != PathResolutionException.Reason.NO_SUCH_LINK || e.segmentIndex() < 0) {
            return e;
        }
        IpfsPath p = e.path();
        List<String> before = p.segments().subList(0, e.segmentIndex());
        Cid parent = before.isEmpty() ? p.root()
                : ContentPath.resolve(repo, IpfsPath.of(p.root(), before.toArray(String[]::new))).cid();
        return RpcError.failed("no link named \"" + e.segment() + "\" under " + parent);
    }

    /** Kubo's error for a block this node does not have (it reads only its own blocks). */
    static RpcError notFound(Cid cid) {
        return RpcError.failed("block was not found locally (offline): ipld: could not find " + cid);
    }
}
