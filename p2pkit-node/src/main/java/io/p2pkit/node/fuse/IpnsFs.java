package io.p2pkit.node.fuse;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The read-only {@code /ipns} mount. As in Kubo, its root lists the node's own key twice: a
 * directory named by its peer ID, holding what the node's name resolves to (empty while it has no
 * record), and {@code local}, a symbolic link to that directory. Any other name is resolved
 * through IPNS (or DNSLink) to a symbolic link into the {@code /ipfs} mount. Unlike Kubo, the
 * node's directory cannot be written: publish with {@code name publish}.
 */
final class IpnsFs implements MountedFs {
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

    /** Kubo's name for the link to the node's own directory. */
    static final String LOCAL = "local";

    private final IpfsFs ipfs;
    private final PeerId self;
    private final Resolver resolver;
    private final String ipfsMount;

    IpnsFs(IpfsFs ipfs, PeerId self, Resolver resolver, String ipfsMount) {
        this.ipfs = ipfs;
        this.self = self;
        this.resolver = resolver;
        this.ipfsMount = ipfsMount.endsWith("/") ? ipfsMount.substring(0, ipfsMount.length() - 1) : ipfsMount;
    }

    @Override
    public Duration cacheTime() {
        return Duration.ofMinutes(1); // a name is looked up again at most once a minute, as in Kubo's mount
    }

    @Override
    public Object rootRef() {
        return "/";
    }

    @Override
    public FsAttr attr(String path, Object ref) throws IOException {
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
        if (!parent.equals("/")) {
            throw FsError.notFound(name); // an unpublished key's directory is empty
        }
        if (name.equals(LOCAL)) {
            Link link = new Link(self.toString());
            return new Found(link, attr(name, link));
        }
        if (name.equals(self.toString())) {
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
        return ipfs.readlink(path, ref);
    }

    @Override
    public FsHandle open(String path, Object ref, boolean write, boolean truncate) throws IOException {
        if (!(ref instanceof Cid)) {
            throw new FsError(Errno.EISDIR, path + " is a directory");
        }
        return ipfs.open(path, ref, write, truncate);
    }

    @Override
    public Optional<byte[]> xattr(String path, Object ref, String name) {
        return ipfs.xattr(path, ref, name);
    }

    @Override
    public List<String> xattrNames(String path, Object ref) {
        return ipfs.xattrNames(path, ref);
    }
}
