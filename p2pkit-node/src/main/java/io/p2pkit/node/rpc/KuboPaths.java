package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.ipfs.path.PathResolutionException;
import io.p2pkit.ipfs.path.PathResolver;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.ipfs.unixfs.hamt.HamtLinkLookup;

import java.io.IOException;

/** A command's CID-or-path argument read as {@link ContentPath} reads it, failing with Kubo's words. */
final class KuboPaths {
    private KuboPaths() {
    }

    /**
     * The path an argument names; boxo's {@code invalid path "…": …} when it names none. A path
     * is cleaned first, as boxo cleans it ({@code //ipfs/<cid>/a/../b} is {@code /ipfs/<cid>/b});
     * a native URI ({@code ipfs://<cid>/a}, Kubo 0.43) is read as its path, which errors quote.
     */
    static IpfsPath parse(String given) {
        String arg = IpfsUri.toPath(given);
        String text = arg;
        if (arg.startsWith("/")) {
            requireComponents(arg);
            String[] parts = Uploads.cleanPath(arg).split("/");
            if (parts[0].equals("ipfs") || parts[0].equals("ipld")) {
                try {
                    Cid.parse(parts[1]);
                } catch (IllegalArgumentException e) {
                    throw invalid(arg, GoCidErrors.of(parts[1], e));
                }
                text = "/" + String.join("/", parts);
            } else if (!parts[0].equals("ipns")) {
                throw invalid(arg, "unknown namespace: " + GoQuote.quote(parts[0]));
            }
        }
        try {
            return ContentPath.parse(text);
        } catch (UsageException e) {
            // a bare argument that is no CID: boxo's error for it as a path, not as /ipfs/<it>
            throw invalid(arg, arg.startsWith("/") ? "invalid cid: " + e.getMessage() : "path does not have enough components");
        }
    }

    /**
     * The argument with an {@code /ipns/} name (or {@code ipns://} URI) resolved (every step) to the
     * {@code /ipfs/} path it leads to; any other argument as it is.
     */
    static String withoutName(RpcRequest request, String given) throws IOException {
        String arg = IpfsUri.toPath(given);
        if (!arg.startsWith("/ipns/")) {
            return given;
        }
        requireComponents(arg);
        return NameCommands.resolveName(request, arg, true, true);
    }

    /** boxo's error for a path without a namespace and a root. */
    static void requireComponents(String arg) {
        if (Uploads.cleanPath(arg).split("/").length < 2) {
            throw invalid(arg, "path does not have enough components");
        }
    }

    private static RpcError invalid(String arg, String reason) {
        return RpcError.failed("invalid path " + GoQuote.quote(arg) + ": " + reason);
    }

    /**
     * The CID an argument leads to over the local blocks; an {@code /ipns/} name (or
     * {@code ipns://} URI) is resolved first, as Kubo resolves one wherever a path is taken.
     */
    static Cid resolveCid(RpcRequest request, String arg) throws IOException {
        Repository repo = NodeContent.repository(request);
        IpfsPath path = parse(withoutName(request, arg));
        try {
            return path.segments().isEmpty() ? path.root() : ContentPath.resolve(repo, path).cid();
        } catch (BlockNotFoundException e) {
            throw notFound(e.cid());
        } catch (PathResolutionException e) {
            throw PathErrors.of(repo, e);
        }
    }

    /**
     * The CID an argument leads to, resolved fetching the blocks on the path over Bitswap, then
     * with the whole DAG under it fetched when its block was not here (online): the path's siblings
     * never come. A name is resolved first.
     */
    static Cid fetchAndResolve(RpcRequest request, String arg) throws IOException, InterruptedException {
        Repository repo = NodeContent.repository(request);
        Cid cid = resolveCid(request, FetchingBlocks.of(request), arg);
        if (cid.multihash().code() != io.p2pkit.core.multiformats.Multicodec.IDENTITY
                && !NodeContent.offline(request) && !repo.blocks().local().has(cid.multihash())) {
            NodeContent.fetchDag(request, cid);
        }
        return cid;
    }

    /**
     * The CID an argument leads to over {@code blocks} (a bare CID is itself, no block read); a
     * name is resolved first.
     */
    static Cid resolveCid(RpcRequest request, FetchingBlocks blocks, String arg) throws IOException {
        String named = withoutName(request, arg);
        IpfsPath path = parse(named);
        return path.segments().isEmpty() ? path.root() : resolved(NodeContent.repository(request), blocks, path).cid();
    }

    /**
     * The path resolved over {@code blocks}, which fetch each block on the way that is not here
     * (only those: a path into a large directory does not bring the directory's DAG); a name is
     * resolved first.
     */
    static ResolvedPath resolve(RpcRequest request, FetchingBlocks blocks, String arg) throws IOException {
        return resolved(NodeContent.repository(request), blocks, parse(withoutName(request, arg)));
    }

    private static ResolvedPath resolved(Repository repo, FetchingBlocks blocks, IpfsPath path) throws IOException {
        try {
            return new PathResolver(blocks, RepoOption.codecs(true), HamtLinkLookup.INSTANCE).resolve(path);
        } catch (PathResolutionException e) {
            if (e.reason() == PathResolutionException.Reason.BLOCK_NOT_FOUND) {
                throw blocks.missing().map(KuboPaths::notFound).orElseThrow(() -> e);
            }
            throw PathErrors.of(repo, e);
        }
    }

    /** Kubo's error for a block this node does not have (it reads only its own blocks). */
    static RpcError notFound(Cid cid) {
        return RpcError.failed("block was not found locally (offline): ipld: could not find " + cid);
    }
}
