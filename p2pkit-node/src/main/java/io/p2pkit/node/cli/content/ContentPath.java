package io.p2pkit.node.cli.content;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.ipfs.path.PathResolver;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.hamt.HamtLinkLookup;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.RepoOption;

import java.io.IOException;

/**
 * A command's CID-or-path argument, as Kubo takes it: a bare CID ({@code bafy…}, {@code Qm…}),
 * a content path ({@code /ipfs/<cid>/a/b}, {@code /ipld/<cid>/a/0}, {@code <cid>/a/b}) or a
 * native URI ({@code ipfs://<cid>/a}, {@code ipfs:<cid>}, see {@link IpfsUri}). Paths are resolved over the local repository only: a block missing
 * on the way, or a segment that is not there, is a
 * {@link io.p2pkit.ipfs.path.PathResolutionException} naming the segment.
 */
public final class ContentPath {
    private ContentPath() {
    }

    /**
     * @param arg the argument as given
     * @return the path it names (a bare CID is a path without segments)
     * @throws UsageException when it is neither a CID nor a path
     */
    public static IpfsPath parse(String arg) {
        try {
            return IpfsPath.parse(IpfsUri.toPath(arg));
        } catch (DecodeException e) {
            throw new UsageException("'" + abbreviate(arg) + "' is not a CID or a content path (/ipfs/<cid>/…): "
                    + e.getMessage());
        }
    }

    /**
     * Resolves an argument over the repository's blocks. A bare CID is returned as it is, without
     * reading its block (so that pins and blocks can be removed whether or not it is here).
     *
     * @param repo an open repository
     * @param arg  the argument as given
     * @return the CID of the block the path leads to: the target of a final link, or else the
     *         block holding the value it names (Kubo's resolved root CID)
     * @throws UsageException when the argument is neither a CID nor a path
     * @throws io.p2pkit.ipfs.path.PathResolutionException naming the segment that does not resolve
     * @throws IOException when a block cannot be read
     */
    public static Cid resolveCid(Repository repo, String arg) throws IOException {
        IpfsPath path = parse(arg);
        return path.segments().isEmpty() ? path.root() : resolve(repo, path).cid();
    }

    /**
     * Resolves a path over the repository's blocks.
     *
     * @param repo an open repository
     * @param path a path
     * @return where it leads
     * @throws io.p2pkit.ipfs.path.PathResolutionException naming the segment that does not resolve
     * @throws IOException when a block cannot be read
     */
    public static ResolvedPath resolve(Repository repo, IpfsPath path) throws IOException {
        return resolver(repo).resolve(path);
    }

    /**
     * @param repo an open repository
     * @return a resolver over its local blocks, without heat (a command's one-off reads should not
     *         fill the memory tier); a name in a HAMT-sharded UnixFS directory is found by its hash
     */
    public static PathResolver resolver(Repository repo) {
        Codecs codecs = RepoOption.codecs(true);
        return new PathResolver(repo.blocks().local(), codecs, HamtLinkLookup.INSTANCE);
    }

    /** {@code text}, cut to 100 characters for messages. */
    static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }
}
