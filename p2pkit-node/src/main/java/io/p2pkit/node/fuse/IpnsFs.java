package io.p2pkit.node.fuse;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code /ipns} mount. As in Kubo, its root lists the node's own key twice: a directory named
 * by its peer ID, holding what the node's name resolves to (empty while it has no record), and
 * {@code local}, a symbolic link to that directory. Any other name is resolved through IPNS (or
 * DNSLink) to a symbolic link into the {@code /ipfs} mount.
 *
 * <p>Given an {@link OwnTree}, the node's own directory is writable, as Kubo's is: on first use
 * it becomes an MFS tree rooted at what the name resolves to, served by an {@link MfsFs}, and
 * each new root goes to the {@link IpnsRepublisher}, which publishes it once changes settle.
 * Everything else, and the own directory when the name leads to a file, answers {@code EROFS}.
 */
final class IpnsFs implements MountedFs, Closeable {
    private static final Logger LOG = Logger.getLogger(IpnsFs.class.getName());

    /** Resolves a name ({@code /ipns/<name>}) to the {@code /ipfs/...} path it leads to. */
    @FunctionalInterface
    interface Resolver {
        String resolve(String ipnsPath) throws IOException;
    }

    /** A symbolic link's target. */
    private record Link(String target) {
    }

    /** A key's directory while its name has no record. */
    private record Unpublished(PeerId key) {
    }

    /** A node in the writable own directory: the path says which, {@link MfsFs} finds it. */
    private enum Own {
        REF
    }

    /** Opens the own directory's tree. */
    @FunctionalInterface
    interface OwnTree {
        /**
         * @param resolved the directory the name resolves to, or empty for the tree's kept root (else an empty one)
         * @return the tree, as a mount
         */
        MfsFs open(Optional<Cid> resolved) throws IOException;
    }

    /** Kubo's name for the link to the node's own directory. */
    static final String LOCAL = "local";

    private final IpfsFs ipfs;
    private final PeerId self;
    private final Resolver resolver;
    private final String ipfsMount;
    private final String ownPath;
    private final OwnTree ownTree;
    private final IpnsRepublisher republisher;
    private final ReentrantLock opening = new ReentrantLock();
    private volatile MfsFs own;

    /** The read-only mount: the own directory shows what the name resolves to. */
    IpnsFs(IpfsFs ipfs, PeerId self, Resolver resolver, String ipfsMount) {
        this(ipfs, self, resolver, ipfsMount, null, null);
    }

    /**
     * @param ownTree     opens the own directory's tree, or null to keep it read-only
     * @param republisher publishes the tree's roots (closed with this mount), or null when read-only
     */
    IpnsFs(IpfsFs ipfs, PeerId self, Resolver resolver, String ipfsMount, OwnTree ownTree, IpnsRepublisher republisher) {
        this.ipfs = ipfs;
        this.self = self;
        this.resolver = resolver;
        this.ipfsMount = ipfsMount.endsWith("/") ? ipfsMount.substring(0, ipfsMount.length() - 1) : ipfsMount;
        this.ownPath = "/" + self;
        this.ownTree = ownTree;
        this.republisher = republisher;
    }

    @Override
    public Duration cacheTime() {
        return Duration.ofMinutes(1); // a name is looked up again at most once a minute, as in Kubo's mount
    }

    @Override
    public Duration cacheTime(Object ref) {
        return ref == Own.REF ? own.cacheTime() : cacheTime();
    }

    /** The own directory's tree, opened on first use; null while the mount is read-only. */
    private MfsFs own() throws IOException {
        MfsFs tree = own;
        if (tree != null || ownTree == null) {
            return tree;
        }
        opening.lock();
        try {
            if (own == null) {
                Optional<Cid> resolved = resolveToCid(self.toString());
                if (resolved.isPresent() && !ipfs.attr(resolved.get()).kind().equals(FsAttr.Kind.DIRECTORY)) {
                    return null; // as Kubo's mount, which cannot root a tree at a file: shown read-only
                }
                own = ownTree.open(resolved);
            }
            return own;
        } finally {
            opening.unlock();
        }
    }

    /** The path inside the own directory's tree of a path strictly below the own directory, or null. */
    private String inOwn(String path) {
        return path.startsWith(ownPath + "/") ? path.substring(ownPath.length()) : null;
    }

    /** The path inside the own directory's tree of the own directory or a path below it. */
    private String ownRelative(String path) {
        return path.equals(ownPath) ? "/" : path.substring(ownPath.length());
    }

    /** The own tree to change {@code path} (strictly below the own directory) in; EROFS elsewhere. */
    private MfsFs writable(String path) throws IOException {
        MfsFs tree = inOwn(path) == null ? null : own();
        if (tree == null) {
            throw FsError.readOnly();
        }
        return tree;
    }

    private static Found owned(Found found) {
        return new Found(Own.REF, found.attr());
    }

    @Override
    public Object rootRef() {
        return "/";
    }

    @Override
    public FsAttr attr(String path, Object ref) throws IOException {
        if (ref == Own.REF) {
            String at = ownRelative(path);
            return own.attr(at, at);
        }
        return switch (ref) {
            case Cid cid -> ipfs.attr(cid);
            case Link link -> new FsAttr(FsAttr.Kind.SYMLINK, 0555, link.target().getBytes(StandardCharsets.UTF_8).length, 0, 0);
            default -> FsAttr.directory(0555);
        };
    }

    @Override
    public Found lookup(String parent, Object parentRef, String name) throws IOException {
        if (parentRef instanceof Cid) {
            return ipfs.lookup(parent, parentRef, name);
        }
        if (parentRef == Own.REF) {
            String at = ownRelative(parent);
            return owned(own.lookup(at, at, name));
        }
        if (!parent.equals("/")) {
            throw FsError.notFound(name); // an unpublished key's directory is empty
        }
        if (name.equals(LOCAL)) {
            Link link = new Link(self.toString());
            return new Found(link, attr(name, link));
        }
        if (name.equals(self.toString())) {
            MfsFs tree = own();
            if (tree != null) {
                return new Found(Own.REF, tree.attr("/", "/"));
            }
            Optional<Cid> cid = resolveToCid(name);
            Object ref = cid.<Object>map(c -> c).orElse(new Unpublished(self));
            return new Found(ref, attr(name, ref));
        }
        String path;
        try {
            path = resolver.resolve("/ipns/" + name);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ipns mount: " + name + " did not resolve", e);
            throw FsError.notFound(name);
        }
        if (!path.startsWith("/ipfs/")) {
            throw new FsError(Errno.EIO, "invalid path from ipns record: " + path);
        }
        Link link = new Link(ipfsMount + "/" + path.substring("/ipfs/".length()));
        return new Found(link, attr(name, link));
    }

    /** What a key's own name resolves to, walked down to its CID; empty while it has no record. */
    private Optional<Cid> resolveToCid(String id) throws IOException {
        String path;
        try {
            path = resolver.resolve("/ipns/" + id);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String[] parts = path.substring("/ipfs/".length()).split("/");
        Object ref = Cid.parse(parts[0]);
        String at = "/" + parts[0];
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                ref = ipfs.lookup(at, ref, parts[i]).ref();
                at = at + "/" + parts[i];
            }
        }
        return Optional.of((Cid) ref);
    }

    @Override
    public List<Entry> list(String path, Object ref) throws IOException {
        if (ref == Own.REF) {
            String at = ownRelative(path);
            return own.list(at, at);
        }
        if (ref instanceof Cid) {
            return ipfs.list(path, ref);
        }
        if (ref instanceof Unpublished) {
            return List.of();
        }
        return List.of(new Entry(self.toString(), FsAttr.Kind.DIRECTORY), new Entry(LOCAL, FsAttr.Kind.SYMLINK));
    }

    @Override
    public String readlink(String path, Object ref) throws IOException {
        if (ref instanceof Link link) {
            return link.target();
        }
        if (ref == Own.REF) {
            String at = ownRelative(path);
            return own.readlink(at, at);
        }
        return ipfs.readlink(path, ref);
    }

    @Override
    public FsHandle open(String path, Object ref, boolean write, boolean truncate) throws IOException {
        if (ref == Own.REF) {
            String at = ownRelative(path);
            return own.open(at, at, write, truncate);
        }
        if (!(ref instanceof Cid)) {
            throw new FsError(Errno.EISDIR, path + " is a directory");
        }
        return ipfs.open(path, ref, write, truncate);
    }

    @Override
    public Optional<byte[]> xattr(String path, Object ref, String name) throws IOException {
        if (ref == Own.REF) {
            String at = ownRelative(path);
            return own.xattr(at, at, name);
        }
        return ipfs.xattr(path, ref, name);
    }

    @Override
    public List<String> xattrNames(String path, Object ref) {
        if (ref == Own.REF) {
            return own.xattrNames(path, ref);
        }
        return ipfs.xattrNames(path, ref);
    }

    // --- writing: only strictly below the own directory

    @Override
    public Found mkdir(String path, int permissions) throws IOException {
        return owned(writable(path).mkdir(inOwn(path), permissions));
    }

    @Override
    public Created create(String path, int permissions) throws IOException {
        Created created = writable(path).create(inOwn(path), permissions);
        return new Created(owned(created.found()), created.handle());
    }

    @Override
    public void unlink(String path) throws IOException {
        writable(path).unlink(inOwn(path));
    }

    @Override
    public void rmdir(String path) throws IOException {
        writable(path).rmdir(inOwn(path));
    }

    @Override
    public void rename(String from, String to, boolean noReplace) throws IOException {
        MfsFs tree = writable(from);
        writable(to);
        tree.rename(inOwn(from), inOwn(to), noReplace);
    }

    @Override
    public FsAttr setattr(String path, Object ref, FsHandle handle, Change change) throws IOException {
        if (ref != Own.REF) {
            throw FsError.readOnly();
        }
        String at = ownRelative(path);
        return own.setattr(at, at, handle, change);
    }

    @Override
    public long[] space() {
        MfsFs tree = own;
        return tree == null ? MountedFs.super.space() : tree.space();
    }

    /** Publishes a change not yet published (called after the mount's session ended, so no write is left). */
    @Override
    public void close() {
        if (republisher != null) {
            republisher.close();
        }
    }
}
